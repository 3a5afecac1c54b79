import { ADMIN_AUDIT_SUBJECTS, type AdminAuditSubject, adminAuditLog, type Queryable } from '@hotline/db';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext, StaffActor } from '../context.ts';
import { requireRole } from '../tickets/internal.ts';

export interface AuditEntry {
  subject: AdminAuditSubject;
  subjectId: string;
  action: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one line of the administration record. Call it with the
 * transaction that makes the change: a change and its record commit together.
 */
export async function recordAudit(db: Queryable, staff: StaffActor, at: Date, entry: AuditEntry): Promise<void> {
  await db.insert(adminAuditLog).values({
    at,
    actorId: staff.id,
    actorName: `${staff.displayName}（${staff.username}）`,
    subject: entry.subject,
    subjectId: entry.subjectId,
    action: entry.action,
    summary: entry.summary,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export const AuditQuery = z.object({
  subject: z.enum(ADMIN_AUDIT_SUBJECTS, { error: '记录类别应为 unit、account、routing_rule、setting 或 calendar' }).optional(),
  subjectId: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1, '条数至少为 1').max(200, '一次最多 200 条').default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** 操作记录, newest first: who changed what, when, with the values before and after. */
export async function listAudit(ctx: DomainContext, query: AuditQuery) {
  requireRole(ctx.actor, ['admin'], '查看管理操作记录');
  const where = and(
    query.subject ? eq(adminAuditLog.subject, query.subject) : undefined,
    query.subjectId ? eq(adminAuditLog.subjectId, query.subjectId) : undefined,
  );
  const rows = await ctx.db.select().from(adminAuditLog).where(where).orderBy(desc(adminAuditLog.at), desc(adminAuditLog.id)).limit(query.limit);
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorName: r.actorName,
    subject: r.subject,
    subjectId: r.subjectId,
    action: r.action,
    summary: r.summary,
    before: r.before,
    after: r.after,
  }));
}
export type AuditRow = Awaited<ReturnType<typeof listAudit>>[number];
