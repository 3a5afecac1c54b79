import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  path: string;
  body: { model?: string; messages?: { role: string; content: unknown }[]; response_format?: unknown };
}

/**
 * A local stand-in for an OpenAI-compatible endpoint (the edge of the world
 * for the LLM path): answers /v1/chat/completions with what the test queues
 * and records every request.
 */
export class FakeOpenAI {
  readonly calls: RecordedCall[] = [];
  readonly #replies: (string | { status: number; body: string })[] = [];
  #server: Server | undefined;
  url = '';

  /** The next reply's assistant content (or an HTTP error). */
  reply(content: string | { status: number; body: string }): this {
    this.#replies.push(content);
    return this;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = raw ? JSON.parse(raw) : {};
        this.calls.push({ path: req.url ?? '', body });
        const next = this.#replies.shift() ?? '';
        if (typeof next !== 'string') {
          res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${this.calls.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model ?? 'fake',
            choices: [{ index: 0, message: { role: 'assistant', content: next }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
