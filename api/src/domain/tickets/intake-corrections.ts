import { type CorrectedField, type Db, intakeCorrections, tickets, type Tx } from '@hotline/db';
import type { RequestType } from '@hotline/db/enums';
import type { IntakeExample } from '@hotline/knowledge';
import { asc, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { urgencyText } from './urgency.ts';

export interface IntakeCorrection {
  field: CorrectedField;
  suggested: string | null;
  chosen: string;
}

interface Classified {
  type: RequestType;
  categoryCode: string | null;
  subcategoryCode: string | null;
  urgency: string;
}

/**
 * What staff changed from what the ticket was filed with (the intake draft
 * the citizen confirmed, the urgency the intake decided). A category counts
 * as changed when its first level differs, or its second level where staff
 * chose one: 城市管理 for 城市管理.市容环境 only says less, not otherwise.
 */
export function correctionsOf(filed: Classified, chosen: Partial<Classified>): IntakeCorrection[] {
  const out: IntakeCorrection[] = [];
  if (chosen.type && chosen.type !== filed.type) out.push({ field: 'type', suggested: filed.type, chosen: chosen.type });
  if (chosen.categoryCode) {
    const before = filed.subcategoryCode ?? filed.categoryCode;
    const after = chosen.subcategoryCode ?? chosen.categoryCode;
    if (chosen.categoryCode !== filed.categoryCode || (chosen.subcategoryCode && chosen.subcategoryCode !== filed.subcategoryCode)) {
      out.push({ field: 'category', suggested: before, chosen: after });
    }
  }
  if (chosen.urgency && chosen.urgency !== filed.urgency) out.push({ field: 'urgency', suggested: filed.urgency, chosen: chosen.urgency });
  return out;
}

/** Stores the corrections in the transaction of the action that made them (accept, dispatch). */
export async function recordCorrections(tx: Tx, ctx: DomainContext, ticketId: string, action: 'accept' | 'dispatch', corrections: IntakeCorrection[]): Promise<void> {
  if (corrections.length === 0) return;
  const correctedBy = ctx.actor.kind === 'staff' ? ctx.actor.id : null;
  await tx.insert(intakeCorrections).values(corrections.map((c) => ({ ticketId, ...c, action, correctedBy, correctedAt: ctx.now() })));
}

/**
 * The corrections as labelled examples for the intake model: one per
 * ticket, its text as the intake read it, with the latest choice for each
 * corrected field (a category correction teaches the first level, and the
 * second level when staff chose one).
 */
export async function correctionExamples(db: Db): Promise<IntakeExample[]> {
  const rows = await db
    .select({
      ticketId: intakeCorrections.ticketId,
      field: intakeCorrections.field,
      chosen: intakeCorrections.chosen,
      title: tickets.title,
      description: tickets.description,
    })
    .from(intakeCorrections)
    .innerJoin(tickets, eq(tickets.id, intakeCorrections.ticketId))
    .orderBy(asc(intakeCorrections.correctedAt), asc(intakeCorrections.id));
  const byTicket = new Map<string, IntakeExample>();
  for (const row of rows) {
    const example = byTicket.get(row.ticketId) ?? { text: urgencyText(row.title, row.description) };
    if (row.field === 'type') example.type = row.chosen as RequestType;
    if (row.field === 'urgency') example.urgent = row.chosen === 'urgent';
    if (row.field === 'category') {
      example.category = row.chosen.split('.')[0]!;
      example.subcategory = row.chosen.includes('.') ? row.chosen : null;
    }
    byTicket.set(row.ticketId, example);
  }
  return [...byTicket.values()];
}
