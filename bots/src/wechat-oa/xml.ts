import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

/** WeChat pushes are small (a text message is at most 2048 bytes); anything much larger is not WeChat. */
export const MAX_PUSH_BYTES = 64 * 1024;

const parser = new XMLParser({
  // MsgId is a 64-bit integer: as a JavaScript number it would lose its last digits.
  parseTagValue: false,
  ignoreAttributes: true,
  // CDATA content is taken as is; plain values are trimmed by the schemas below.
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export class WechatXmlError extends Error {
  override name = 'WechatXmlError';
}

/** Parses one `<xml>…</xml>` document into its top-level fields; refuses DTDs (entity expansion) and anything nested oddly. */
export function parseXmlDocument(body: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new WechatXmlError('DTD not allowed');
  let parsed: unknown;
  try {
    parsed = parser.parse(body, true);
  } catch {
    throw new WechatXmlError('malformed XML');
  }
  const root = z.object({ xml: z.record(z.string(), z.unknown()) }).safeParse(parsed);
  if (!root.success) throw new WechatXmlError('no <xml> root');
  return root.data.xml;
}

const str = z.string().transform((s) => s.trim());
const nonEmpty = str.pipe(z.string().min(1).max(200));
const digits = str.pipe(z.string().regex(/^\d{1,20}$/));
const decimal = str.pipe(z.string().regex(/^-?\d{1,3}(\.\d{1,12})?$/)).transform(Number);

/** The envelope of a safe-mode push. */
export const EncryptedEnvelope = z.object({ ToUserName: str.optional(), Encrypt: str.pipe(z.string().min(16).max(MAX_PUSH_BYTES)) });

const base = {
  ToUserName: nonEmpty,
  FromUserName: nonEmpty,
  CreateTime: digits,
};

/** What every push has: enough to answer "we can't read this" to a push of a type we do not know. */
export const WechatPushBase = z.object({ ...base, MsgType: nonEmpty });

export const WechatPush = z.discriminatedUnion('MsgType', [
  z.object({ ...base, MsgType: z.literal('text'), Content: z.string().max(8_192), MsgId: digits }),
  z.object({ ...base, MsgType: z.literal('image'), PicUrl: str.optional(), MediaId: nonEmpty, MsgId: digits }),
  z.object({
    ...base,
    MsgType: z.literal('location'),
    Location_X: decimal,
    Location_Y: decimal,
    Scale: str.optional(),
    Label: z.string().max(500).optional(),
    MsgId: digits,
  }),
  z.object({ ...base, MsgType: z.literal('event'), Event: nonEmpty, EventKey: z.string().max(500).optional() }),
  // A voice message; Recognition is the text when the account's speech recognition (语音识别) is on.
  z.object({ ...base, MsgType: z.literal('voice'), MediaId: nonEmpty, Format: str.optional(), Recognition: z.string().max(2_000).optional(), MsgId: digits }),
  // video, shortvideo, link, file…: answered with what we can take.
  z.object({
    ...base,
    MsgType: z.enum(['video', 'shortvideo', 'link', 'file', 'music', 'news', 'miniprogrampage']),
    MsgId: digits.optional(),
  }),
]);
export type WechatPush = z.infer<typeof WechatPush>;

/** Wraps text in CDATA; a `]]>` inside is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export function textReplyXml(input: { toUser: string; fromUser: string; createTime: number; content: string }): string {
  return (
    `<xml><ToUserName>${cdata(input.toUser)}</ToUserName><FromUserName>${cdata(input.fromUser)}</FromUserName>` +
    `<CreateTime>${input.createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(input.content)}</Content></xml>`
  );
}

export function encryptedReplyXml(input: { encrypt: string; signature: string; timestamp: string; nonce: string }): string {
  return (
    `<xml><Encrypt>${cdata(input.encrypt)}</Encrypt><MsgSignature>${cdata(input.signature)}</MsgSignature>` +
    `<TimeStamp>${input.timestamp}</TimeStamp><Nonce>${cdata(input.nonce)}</Nonce></xml>`
  );
}
