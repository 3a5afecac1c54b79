import { createHash } from 'node:crypto';
import { attachments, newId, tickets } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { TicketRow } from '../tickets/transition.ts';

export const ATTACHMENT_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxPerTicket: 6,
  /** Longest side after re-encoding; a phone photo needs no more to show a pothole. */
  maxSide: 2560,
} as const;

type Sniffed = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | null;

/** What the bytes are, whatever the file name or declared type says. */
export function sniffImage(bytes: Uint8Array): Sniffed {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && ['GIF87a', 'GIF89a'].includes(b.toString('latin1', 0, 6))) return 'gif';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp' && /^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(b.toString('latin1', 8, 12))) return 'heic';
  return null;
}

const reject = (code: 'UNSUPPORTED_MEDIA_TYPE' | 'VALIDATION' | 'PAYLOAD_TOO_LARGE', message: string) =>
  new DomainError(code, message, [{ path: 'file', message }]);

/**
 * Re-encodes an uploaded photo as JPEG: turned upright by its EXIF
 * orientation, scaled down, and written without any metadata, so the GPS
 * position and camera details in a phone photo never reach the ticket.
 */
export async function sanitizeImage(bytes: Uint8Array): Promise<{ content: Buffer; width: number; height: number }> {
  if (bytes.byteLength > ATTACHMENT_LIMITS.maxBytes) throw reject('PAYLOAD_TOO_LARGE', '图片不能超过 10 MB');
  if (bytes.byteLength === 0) throw reject('VALIDATION', '文件是空的');
  const kind = sniffImage(bytes);
  if (kind === 'heic') throw reject('UNSUPPORTED_MEDIA_TYPE', '暂不支持 HEIC 格式，请在手机相机设置中选择“兼容性最佳”，或截图后上传');
  if (!kind) throw reject('UNSUPPORTED_MEDIA_TYPE', '只能上传图片（JPEG、PNG、WebP 或 GIF）');
  try {
    const image = sharp(bytes, { limitInputPixels: ATTACHMENT_LIMITS.maxPixels, failOn: 'error', animated: false });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) throw reject('VALIDATION', '无法识别图片尺寸');
    const { data, info } = await image
      .rotate()
      .resize({ width: ATTACHMENT_LIMITS.maxSide, height: ATTACHMENT_LIMITS.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { content: data, width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const message = String((error as Error).message);
    if (/pixel limit/i.test(message)) throw reject('PAYLOAD_TOO_LARGE', '图片像素过大（上限 4000 万像素），请缩小后上传');
    throw reject('VALIDATION', '图片已损坏或无法读取，请换一张');
  }
}

/** Adds a photo to an open ticket; at most six per ticket, counted under a row lock. */
export async function addAttachment(ctx: DomainContext, ticket: TicketRow, bytes: Uint8Array, uploadedBy: 'citizen' | 'staff') {
  if (['closed', 'rejected', 'merged'].includes(ticket.status)) {
    throw new DomainError('CONFLICT', '工单已办结，不能再补充图片');
  }
  const image = await sanitizeImage(bytes);
  return ctx.db.transaction(async (tx) => {
    await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticket.id)).for('update');
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(attachments).where(eq(attachments.ticketId, ticket.id));
    if (Number(count?.n ?? 0) >= ATTACHMENT_LIMITS.maxPerTicket) {
      throw new DomainError('CONFLICT', `每个工单最多上传 ${ATTACHMENT_LIMITS.maxPerTicket} 张图片`);
    }
    const [row] = await tx
      .insert(attachments)
      .values({
        id: newId(),
        ticketId: ticket.id,
        mimeType: 'image/jpeg',
        width: image.width,
        height: image.height,
        byteSize: image.content.byteLength,
        sha256: createHash('sha256').update(image.content).digest('hex'),
        content: image.content,
        uploadedBy,
        createdAt: ctx.now(),
      })
      .returning({ id: attachments.id, width: attachments.width, height: attachments.height, byteSize: attachments.byteSize });
    return row!;
  });
}
