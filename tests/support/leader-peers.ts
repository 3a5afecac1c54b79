import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';

// The edge of the world for leader pushes (热点预警 → 领导): an HTTP peer that
// records what the SMS gateway, Telegram and WeChat would have received, and a
// tiny SMTP server that records mail. Our own sender code runs unchanged against them.

export interface RecordedRequest {
  path: string;
  body: Record<string, any>;
}

export interface LeaderPeers {
  http: { url: string; requests: RecordedRequest[] };
  smtp: { url: string; mails: { from: string; to: string[]; data: string }[] };
  close(): Promise<void>;
}

export async function startLeaderPeers(): Promise<LeaderPeers> {
  const requests: RecordedRequest[] = [];
  const http: Server = createHttpServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://peer').pathname;
      res.setHeader('content-type', 'application/json');
      if (path === '/cgi-bin/token') return res.end(JSON.stringify({ access_token: 'peer-token', expires_in: 7200 }));
      let body: Record<string, unknown> = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { raw: text };
      }
      requests.push({ path, body });
      if (path.endsWith('/sendMessage')) return res.end(JSON.stringify({ ok: true, result: { message_id: requests.length } }));
      if (path === '/cgi-bin/message/template/send') return res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: requests.length }));
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  const mails: LeaderPeers['smtp']['mails'] = [];
  const smtp: NetServer = createNetServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail = { from: '', to: [] as string[], data: '' };
    socket.write('220 peer ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { from: '', to: [], data: '' };
            socket.write('250 queued\r\n');
          } else mail.data += `${line}\r\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-peer\r\n250 AUTH PLAIN\r\n');
        else if (verb === 'AUTH') socket.write('235 ok\r\n');
        else if (verb === 'MAIL') (mail.from = line.slice(10).replace(/[<>]/g, '')), socket.write('250 ok\r\n');
        else if (verb === 'RCPT') mail.to.push(line.slice(8).replace(/[<>]/g, '')), socket.write('250 ok\r\n');
        else if (verb === 'DATA') (inData = true), socket.write('354 go on\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 no\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));

  return {
    http: { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, requests },
    smtp: { url: `smtp://127.0.0.1:${(smtp.address() as AddressInfo).port}`, mails },
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
