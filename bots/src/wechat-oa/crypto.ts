import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's message-push cryptography (公众号 消息加解密), written from the
 * platform's documentation:
 * - signature = sha1 of the sorted, concatenated (token, timestamp, nonce);
 * - msg_signature = the same over (token, timestamp, nonce, Encrypt);
 * - Encrypt = base64(AES-256-CBC(random 16 bytes ‖ uint32 BE length ‖ message ‖ AppID)),
 *   key = base64decode(EncodingAESKey + '='), IV = the key's first 16 bytes,
 *   PKCS#7 padding to 32-byte blocks (not AES's 16).
 */

export function sha1Signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of a signature we computed with one we were given. */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

const BLOCK = 32;

export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
}

export class WechatCipher {
  readonly #key: Buffer;
  readonly #iv: Buffer;
  readonly #appId: string;

  constructor(encodingAesKey: string, appId: string) {
    if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('EncodingAESKey must be 43 letters or digits');
    this.#key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.#key.length !== 32) throw new WechatCryptoError('EncodingAESKey does not decode to 32 bytes');
    this.#iv = this.#key.subarray(0, 16);
    this.#appId = appId;
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.#appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; throws unless it decrypts, its padding is valid and it is addressed to our AppID. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('ciphertext length');
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv);
    decipher.setAutoPadding(false);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WechatCryptoError('decryption failed');
    }
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('padding');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatCryptoError('padding');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new WechatCryptoError('too short');
    const length = content.readUInt32BE(16);
    if (20 + length > content.length) throw new WechatCryptoError('length');
    const message = content.subarray(20, 20 + length).toString('utf8');
    const appId = content.subarray(20 + length).toString('utf8');
    if (appId !== this.#appId) throw new WechatCryptoError('AppID mismatch');
    return message;
  }
}
