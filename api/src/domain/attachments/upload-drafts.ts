import { createHash, randomBytes } from 'node:crypto';
import { attachments, type Db, newId, type Tx, uploadDrafts } from '@hotline/db';
import { inArray, lt } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { ATTACHMENT_LIMITS, sanitizeImage } from './add-attachment.ts';

export { UPLOAD_ID_PATTERN } from './upload-id.ts';

/** A draft lives this long before the clean-up job drops it. */
export const UPLOAD_DRAFT_TTL_MS = 24 * 3600_000;

export interface UploadedDraft {
  uploadId: string;
  width: number;
  height: number;
  byteSize: number;
}

/** Re-encodes a photo sent before its ticket exists and keeps it for a day. */
export async function createUploadDraft(ctx: DomainContext, bytes: Uint8Array): Promise<UploadedDraft> {
  const image = await sanitizeImage(bytes);
  const id = randomBytes(16).toString('base64url');
  await ctx.db.insert(uploadDrafts).values({
    id,
    mimeType: 'image/jpeg',
    width: image.width,
    height: image.height,
    byteSize: image.content.byteLength,
    sha256: createHash('sha256').update(image.content).digest('hex'),
    content: image.content,
    createdAt: ctx.now(),
  });
  return { uploadId: id, width: image.width, height: image.height, byteSize: image.content.byteLength };
}

/**
 * Moves the named drafts onto a new ticket inside its creating transaction;
 * a missing or expired draft fails the whole filing, so the citizen is told
 * instead of silently losing a photo.
 */
export async function claimUploadDrafts(tx: Tx, ctx: DomainContext, ticketId: string, ids: readonly string[]): Promise<number> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 0;
  if (unique.length > ATTACHMENT_LIMITS.maxPerTicket) {
    throw new DomainError('VALIDATION', `每个工单最多上传 ${ATTACHMENT_LIMITS.maxPerTicket} 张图片`, [{ path: 'photos', message: `最多 ${ATTACHMENT_LIMITS.maxPerTicket} 张` }]);
  }
  const claimed = await tx.delete(uploadDrafts).where(inArray(uploadDrafts.id, unique)).returning();
  const fresh = claimed.filter((d) => ctx.now().getTime() - d.createdAt.getTime() < UPLOAD_DRAFT_TTL_MS);
  if (fresh.length !== unique.length) {
    const message = '有照片已过期或不存在，请重新选择照片';
    throw new DomainError('VALIDATION', message, [{ path: 'photos', message }]);
  }
  // Keep the citizen's order.
  fresh.sort((a, b) => unique.indexOf(a.id) - unique.indexOf(b.id));
  for (const [i, draft] of fresh.entries()) {
    await tx.insert(attachments).values({
      id: newId(ctx.now().getTime() + i),
      ticketId,
      mimeType: draft.mimeType,
      width: draft.width,
      height: draft.height,
      byteSize: draft.byteSize,
      sha256: draft.sha256,
      content: draft.content,
      uploadedBy: 'citizen',
      createdAt: ctx.now(),
    });
  }
  return fresh.length;
}

export async function purgeUploadDrafts(db: Db, now: Date): Promise<void> {
  await db.delete(uploadDrafts).where(lt(uploadDrafts.createdAt, new Date(now.getTime() - UPLOAD_DRAFT_TTL_MS)));
}
