import { z } from 'zod';

/**
 * WeChat's server API (api.weixin.qq.com or WECHAT_API_BASE): the access token
 * fetched and cached here for the whole process — one fetch at a time
 * (concurrent callers share it), refreshed five minutes before it expires,
 * dropped when WeChat says it is invalid or expired (40001, 40014, 42001).
 * Neither the app secret nor a token is ever logged or put in an error.
 */

const TokenResponse = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
  z.object({ errcode: z.number().int(), errmsg: z.string().optional() }),
]);
const ApiResult = z.object({ errcode: z.number().int().default(0), errmsg: z.string().optional() }).loose();

const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** The customer-service window is closed (48 hours since the citizen's last message, or the follower left). */
export const OUT_OF_WINDOW_ERRORS = new Set([45015, 45047, 43004]);
const REFRESH_BEFORE_MS = 5 * 60_000;
const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

export class WechatApiError extends Error {
  override name = 'WechatApiError';
  readonly errcode: number;
  constructor(message: string, errcode: number) {
    super(message);
    this.errcode = errcode;
  }
}

export interface WechatApiOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
}

export class WechatApi {
  readonly #options: WechatApiOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => Date;
  #token: { value: string; expiresAt: number } | null = null;
  #pending: Promise<string> | null = null;

  constructor(options: WechatApiOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? (() => new Date());
  }

  /** A valid access token, fetching one when there is none or it is about to expire. */
  async accessToken(): Promise<string> {
    const now = this.#now().getTime();
    if (this.#token && this.#token.expiresAt - REFRESH_BEFORE_MS > now) return this.#token.value;
    this.#pending ??= this.#fetchToken().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  /** Forgets the token (WeChat said it is no longer valid), unless another has replaced it meanwhile. */
  invalidate(token: string): void {
    if (this.#token?.value === token) this.#token = null;
  }

  async #fetchToken(): Promise<string> {
    const url = new URL(`${this.#options.apiBase}/cgi-bin/token`);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', this.#options.appId);
    url.searchParams.set('secret', this.#options.appSecret);
    const res = await this.#request(url, { method: 'GET' });
    const body = TokenResponse.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new WechatApiError(`token: unexpected response (HTTP ${res.status})`, -1);
    if ('errcode' in body.data) throw new WechatApiError(`token: errcode ${body.data.errcode}`, body.data.errcode);
    this.#token = { value: body.data.access_token, expiresAt: this.#now().getTime() + body.data.expires_in * 1000 };
    return body.data.access_token;
  }

  async #request(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000) });
    } catch (error) {
      // The URL may carry the secret or a token: name only the path.
      throw new WechatApiError(`${url.pathname}: ${(error as Error).name}`, -1);
    }
  }

  /** Calls `path` with the access token, once more with a fresh token if WeChat refused the cached one. */
  async #withToken(path: string, init: (token: string) => RequestInit): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const url = new URL(`${this.#options.apiBase}${path}`);
      url.searchParams.set('access_token', token);
      const res = await this.#request(url, init(token));
      const type = res.headers.get('content-type') ?? '';
      if (attempt === 0 && (type.includes('json') || type.includes('text/plain'))) {
        const peek = ApiResult.safeParse(await res.clone().json().catch(() => null));
        if (peek.success && TOKEN_ERRORS.has(peek.data.errcode)) {
          this.invalidate(token);
          continue;
        }
      }
      return res;
    }
  }

  async #postJson(path: string, payload: unknown): Promise<void> {
    const res = await this.#withToken(path, () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
    }));
    const body = ApiResult.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new WechatApiError(`${path}: unexpected response (HTTP ${res.status})`, -1);
    if (body.data.errcode !== 0) throw new WechatApiError(`${path}: errcode ${body.data.errcode}`, body.data.errcode);
  }

  /** Sets the custom menu (自定义菜单). */
  createMenu(menu: { button: unknown[] }): Promise<void> {
    return this.#postJson('/cgi-bin/menu/create', menu);
  }

  /** A customer-service (客服) text message. */
  sendCustomText(openId: string, content: string): Promise<void> {
    return this.#postJson('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } });
  }

  /** A template message with one field filled. */
  sendTemplate(openId: string, templateId: string, data: Record<string, string>): Promise<void> {
    return this.#postJson('/cgi-bin/message/template/send', {
      touser: openId,
      template_id: templateId,
      data: Object.fromEntries(Object.entries(data).map(([k, value]) => [k, { value }])),
    });
  }

  /**
   * A temporary medium by MediaId, within 10 MB: a citizen's photo, or a voice
   * message (AMR or Speex; WeChat keeps temporary media for three days).
   */
  async downloadMedia(mediaId: string, kind: 'image' | 'voice' = 'image'): Promise<{ bytes: Uint8Array; mimeType: string }> {
    const path = `/cgi-bin/media/get?media_id=${encodeURIComponent(mediaId)}`;
    const res = await this.#withToken(path, () => ({ method: 'GET' }));
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!res.ok) throw new WechatApiError(`media: HTTP ${res.status}`, -1);
    const expected = kind === 'image' ? type.startsWith('image/') : type.startsWith('audio/') || type.startsWith('voice/') || type === 'application/octet-stream';
    if (!expected) {
      const body = ApiResult.safeParse(await res.json().catch(() => null));
      throw new WechatApiError(`media: errcode ${body.success ? body.data.errcode : 'unknown'}`, body.success ? body.data.errcode : -1);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_MEDIA_BYTES) throw new WechatApiError('media: larger than 10 MB', -1);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > MAX_MEDIA_BYTES) throw new WechatApiError('media: larger than 10 MB', -1);
    return { bytes, mimeType: type };
  }
}
