import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * WeChat's side of the official account, for tests: the push signatures and
 * the safe-mode cipher written here independently of bots/src/wechat-oa from
 * the platform's documentation, and a recording local HTTP server standing
 * in for api.weixin.qq.com.
 */

export const TOKEN = 'hotlineToken2026';
export const APP_ID = 'wx1234567890abcdef';
export const APP_SECRET = 'app-secret-0123456789abcdef';
// 43 characters, as the platform generates them.
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const ACCOUNT = 'gh_0123456789ab';

export function sign(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

function keyAndIv() {
  const key = Buffer.from(AES_KEY + '=', 'base64');
  return { key, iv: key.subarray(0, 16) };
}

export function wechatEncrypt(message: string, appId = APP_ID): string {
  const { key, iv } = keyAndIv();
  const msg = Buffer.from(message);
  const len = Buffer.from([(msg.length >>> 24) & 255, (msg.length >>> 16) & 255, (msg.length >>> 8) & 255, msg.length & 255]);
  const plain = Buffer.concat([Buffer.from('0123456789abcdef'), len, msg, Buffer.from(appId)]);
  const n = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(n, n)])), cipher.final()]).toString('base64');
}

export function wechatDecrypt(encrypted: string): { message: string; appId: string; padding: number } {
  const { key, iv } = keyAndIv();
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const padding = plain[plain.length - 1]!;
  const body = plain.subarray(0, plain.length - padding);
  const len = body.readUInt32BE(16);
  return { message: body.subarray(20, 20 + len).toString(), appId: body.subarray(20 + len).toString(), padding };
}

export function textPush(input: { from: string; content: string; msgId: string; createTime?: number }): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime ?? 1_700_000_000}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${input.content}]]></Content><MsgId>${input.msgId}</MsgId></xml>`;
}

export function eventPush(input: { from: string; event: string; createTime: number }): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${input.event}]]></Event></xml>`;
}

export function imagePush(input: { from: string; mediaId: string; msgId: string; createTime?: number }): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime ?? 1_700_000_000}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[${input.mediaId}]]></MediaId><MsgId>${input.msgId}</MsgId></xml>`;
}

export function voicePush(input: { from: string; mediaId: string; msgId: string; recognition?: string; createTime?: number }): string {
  const recognition = input.recognition === undefined ? '' : `<Recognition><![CDATA[${input.recognition}]]></Recognition>`;
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime ?? 1_700_000_000}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[${input.mediaId}]]></MediaId><Format><![CDATA[amr]]></Format>${recognition}<MsgId>${input.msgId}</MsgId></xml>`;
}

export function clickPush(input: { from: string; key: string; createTime: number }): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${input.key}]]></EventKey></xml>`;
}

export function locationPush(input: { from: string; msgId: string; lat: string; lng: string; label: string; createTime?: number }): string {
  return `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${input.from}]]></FromUserName><CreateTime>${input.createTime ?? 1_700_000_000}</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>${input.lat}</Location_X><Location_Y>${input.lng}</Location_Y><Scale>15</Scale><Label><![CDATA[${input.label}]]></Label><MsgId>${input.msgId}</MsgId></xml>`;
}

/** The query string WeChat puts on a push; safe mode adds msg_signature over the Encrypt field. */
export function pushQuery(at: Date, options: { encrypt?: string; nonce?: string; token?: string; openid?: string } = {}): string {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const token = options.token ?? TOKEN;
  const q = new URLSearchParams({ signature: sign(token, timestamp, nonce), timestamp, nonce, openid: options.openid ?? 'o' });
  if (options.encrypt !== undefined) {
    q.set('encrypt_type', 'aes');
    q.set('msg_signature', sign(token, timestamp, nonce, options.encrypt));
  }
  return q.toString();
}

export function encryptedEnvelope(inner: string): { body: string; encrypt: string } {
  const encrypt = wechatEncrypt(inner);
  return { encrypt, body: `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
}

/** Reads a plaintext passive reply's fields. */
export function replyFields(xml: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of xml.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) fields[m[1]!] = m[2] ?? m[3] ?? '';
  return fields;
}

export interface RecordedCall {
  path: string;
  query: URLSearchParams;
  body: any;
}

/** A recording stand-in for api.weixin.qq.com. */
export class FakeWechatApi {
  server: Server;
  calls: RecordedCall[] = [];
  tokensIssued = 0;
  /** Answers for the next custom/send calls (errcodes), consumed in order; 0 when empty. */
  customSendErrors: number[] = [];
  media = new Map<string, { bytes: Buffer; type: string }>();
  url = '';

  constructor() {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const raw = await readBody(req);
      let body: any = undefined;
      try {
        body = raw.length ? JSON.parse(raw.toString()) : undefined;
      } catch {}
      this.calls.push({ path: url.pathname, query: url.searchParams, body });
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === '/cgi-bin/token') {
        if (url.searchParams.get('appid') !== APP_ID || url.searchParams.get('secret') !== APP_SECRET) return json({ errcode: 40013, errmsg: 'invalid appid' });
        this.tokensIssued++;
        return json({ access_token: `ACCESS_TOKEN_${this.tokensIssued}`, expires_in: 7200 });
      }
      const token = url.searchParams.get('access_token');
      if (token !== `ACCESS_TOKEN_${this.tokensIssued}`) return json({ errcode: 40001, errmsg: 'invalid credential' });
      if (url.pathname === '/cgi-bin/message/custom/send' || url.pathname === '/cgi-bin/message/template/send') {
        const errcode = url.pathname.endsWith('custom/send') ? (this.customSendErrors.shift() ?? 0) : 0;
        return json({ errcode, errmsg: errcode ? 'refused' : 'ok' });
      }
      if (url.pathname === '/cgi-bin/menu/create') {
        const ok = Array.isArray(body?.button) && body.button.length > 0 && body.button.length <= 3;
        return json(ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 40016, errmsg: 'invalid button size' });
      }
      if (url.pathname === '/cgi-bin/media/get') {
        const medium = this.media.get(url.searchParams.get('media_id') ?? '');
        if (!medium) return json({ errcode: 40007, errmsg: 'invalid media_id' });
        res.writeHead(200, { 'content-type': medium.type, 'content-length': String(medium.bytes.length) });
        return res.end(medium.bytes);
      }
      res.writeHead(404).end();
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  sent(path = '/cgi-bin/message/custom/send'): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Expires the current token on WeChat's side (as a token fetched elsewhere would). */
  rotateToken(): void {
    this.tokensIssued++;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A valid 1×1 PNG (the API checks what it stores). */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** The number of the option labelled `label` in a reply with numbered options ("2. 没解决"). */
export function optionNumber(content: string, label: string): string {
  const match = content.split('\n').find((line) => new RegExp(`^\\d+\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(line));
  if (!match) throw new Error(`no option "${label}" in:\n${content}`);
  return match.split('.')[0]!;
}

/**
 * What a citizen answers at each step of a filing, by what the dialog asked
 * (the dialog's own copy, bots/src/messages/zh-CN.ts): the first district
 * and street, a 小区 and 楼栋 when the address is asked, no time (skipped), a name and phone, the photo step is handled by the caller.
 */
export function filingAnswer(content: string): { text: string } | { photo: true } | { done: true } | null {
  if (content.includes('工单编号：')) return { done: true };
  if (content.includes('请核对您的诉求')) return { text: optionNumber(content, '确认提交') };
  // Others reported the same matter: these walks file their own (the offer has its own test).
  if (content.includes('位市民反映')) return { text: optionNumber(content, '仍然提交我的') };
  if (content.includes('现场照片')) return { photo: true };
  if (content.includes('姓名和手机号')) return { text: '张三 13800000000' };
  if (content.includes('什么时候发生')) return { text: optionNumber(content, '跳过') };
  if (content.includes('详细地址')) return { text: '幸福小区 5 号楼' };
  if (content.includes('哪个区') || content.includes('街道')) return { text: '1' };
  return null;
}
