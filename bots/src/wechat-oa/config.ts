import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

/**
 * The official account's environment variables (README: 微信公众号). The
 * account is on when WECHAT_TOKEN, WECHAT_APPID and WECHAT_APPSECRET are set;
 * WECHAT_AES_KEY switches on safe mode (安全模式), the only mode that accepts
 * encrypted pushes and answers encrypted.
 */
export const WechatOaEnv = z.object({
  WECHAT_TOKEN: optional(z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'WECHAT_TOKEN 应为 3-32 位英文字母或数字（与公众平台“令牌(Token)”一致）')),
  WECHAT_APPID: optional(z.string().regex(/^wx[0-9a-zA-Z]{14,30}$/, 'WECHAT_APPID 应以 wx 开头')),
  WECHAT_APPSECRET: optional(z.string().min(16, 'WECHAT_APPSECRET 太短')),
  WECHAT_AES_KEY: optional(z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_AES_KEY（EncodingAESKey）应为 43 位英文字母或数字')),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com').or(z.literal('').transform(() => 'https://api.weixin.qq.com')),
  /** A template message id for notices outside the 48-hour customer-service window. */
  WECHAT_TEMPLATE_ID: optional(z.string().min(1)),
  /** The template's field that carries the notice (e.g. thing1; 20 characters at most for a thing field). */
  WECHAT_TEMPLATE_FIELD: z.string().regex(/^[A-Za-z0-9_.]{1,40}$/).default('thing1'),
  /** Wait this long for the dialog before answering "success" and sending through the customer-service API. */
  WECHAT_PASSIVE_REPLY_MS: z.coerce.number().int().min(0).max(4_800).default(4_500),
});

export interface WechatOaConfig {
  token: string;
  appId: string;
  appSecret: string;
  /** Set: safe mode. */
  aesKey: string | undefined;
  apiBase: string;
  templateId: string | undefined;
  templateField: string;
  passiveReplyMs: number;
  /** Pushes whose timestamp is further than this from our clock are refused (replays). */
  timestampWindowMs: number;
}

/** The official account's configuration, or null when it is not configured; throws on a bad or partial configuration. */
export function loadWechatOaConfig(env: Record<string, string | undefined> = process.env): WechatOaConfig | null {
  const parsed = WechatOaEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`微信公众号配置有误：${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const required = [e.WECHAT_TOKEN, e.WECHAT_APPID, e.WECHAT_APPSECRET];
  if (required.every((v) => v === undefined)) {
    if (e.WECHAT_AES_KEY) throw new Error('微信公众号配置有误：设置了 WECHAT_AES_KEY，但缺少 WECHAT_TOKEN、WECHAT_APPID、WECHAT_APPSECRET');
    return null;
  }
  if (required.some((v) => v === undefined)) {
    throw new Error('微信公众号配置有误：WECHAT_TOKEN、WECHAT_APPID、WECHAT_APPSECRET 须同时设置');
  }
  return {
    token: e.WECHAT_TOKEN!,
    appId: e.WECHAT_APPID!,
    appSecret: e.WECHAT_APPSECRET!,
    aesKey: e.WECHAT_AES_KEY,
    apiBase: e.WECHAT_API_BASE.replace(/\/+$/, ''),
    templateId: e.WECHAT_TEMPLATE_ID,
    templateField: e.WECHAT_TEMPLATE_FIELD,
    passiveReplyMs: e.WECHAT_PASSIVE_REPLY_MS,
    timestampWindowMs: 5 * 60_000,
  };
}
