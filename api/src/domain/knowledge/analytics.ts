import { type Db, kbEntries, kbSearchLog } from '@hotline/db';
import { maskPersonalData, normalizeText } from '@hotline/knowledge';
import { and, gte, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { requireEditor } from './internal.ts';

/**
 * One line of the search log: a question answered (ask) or a 解决了/没解决
 * vote. Only the question's normalised text with phone and ID numbers
 * masked is kept: nothing about who asked. A failure to log never fails the
 * citizen's answer.
 */
export async function logSearch(
  db: Db,
  row: { at: Date; kind: 'ask' | 'helpful' | 'not_helpful'; channel: string; question: string; entryId: string | null; categoryCode: string | null; confident: boolean },
): Promise<void> {
  const question = normalizeText(maskPersonalData(row.question)).slice(0, 200);
  if (!question && row.kind === 'ask') return;
  await db
    .insert(kbSearchLog)
    .values({ ...row, question })
    .catch(() => undefined);
}

const day = z.iso.date({ error: '日期格式应为 YYYY-MM-DD' });
export const AnalyticsQuery = z
  .object({ from: day.optional(), to: day.optional(), format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: '结束日期不能早于开始日期' });

const DAY_MS = 86_400_000;
/** Beijing midnight of a YYYY-MM-DD day, as an instant. */
const startOf = (d: string) => new Date(`${d}T00:00:00+08:00`);

/**
 * 搜索分析 for a period (Beijing days, both ends included; the last 30 days
 * by default): questions asked, the share answered confidently, 没解决
 * votes, the most asked questions, those found nothing confident for, and
 * the same per entry and per category, with one row per day for the chart.
 */
export async function readAnalytics(ctx: DomainContext, query: { from?: string | undefined; to?: string | undefined }) {
  requireEditor(ctx, '查看搜索分析');
  const to = query.to ?? localDayOf(ctx.now());
  const from = query.from ?? localDayOf(new Date(startOf(to).getTime() - 29 * DAY_MS));
  const days = Math.round((startOf(to).getTime() - startOf(from).getTime()) / DAY_MS) + 1;
  if (days > 366) throw new DomainError('VALIDATION', '时间段最长一年', [{ path: 'from', message: '时间段最长一年' }]);
  const rows = await ctx.db
    .select()
    .from(kbSearchLog)
    .where(and(gte(kbSearchLog.at, startOf(from)), lt(kbSearchLog.at, new Date(startOf(to).getTime() + DAY_MS))));
  const asks = rows.filter((r) => r.kind === 'ask');
  const votes = rows.filter((r) => r.kind !== 'ask');
  const notHelpful = votes.filter((r) => r.kind === 'not_helpful');

  const group = <K extends string>(list: typeof rows, key: (r: (typeof rows)[number]) => K | null) => {
    const out = new Map<K, { asked: number; confident: number; helpful: number; notHelpful: number }>();
    for (const r of list) {
      const k = key(r);
      if (k === null) continue;
      const g = out.get(k) ?? { asked: 0, confident: 0, helpful: 0, notHelpful: 0 };
      if (r.kind === 'ask') {
        g.asked++;
        if (r.confident) g.confident++;
      } else if (r.kind === 'helpful') g.helpful++;
      else g.notHelpful++;
      out.set(k, g);
    }
    return [...out.entries()].map(([k, v]) => ({ key: k, ...v }));
  };
  const byQuestion = group(asks, (r) => r.question).sort((a, b) => b.asked - a.asked || a.key.localeCompare(b.key));
  const byEntry = group(rows, (r) => r.entryId).sort((a, b) => b.notHelpful - a.notHelpful || b.asked - a.asked || a.key.localeCompare(b.key));
  const byCategory = group(rows, (r) => (r.categoryCode ? r.categoryCode.split('.')[0]! : null)).sort((a, b) => b.asked - a.asked || a.key.localeCompare(b.key));
  const names = byEntry.length
    ? new Map((await ctx.db.select({ id: kbEntries.id, question: kbEntries.question }).from(kbEntries).where(inArray(kbEntries.id, byEntry.slice(0, 50).map((e) => e.key)))).map((e) => [e.id, e.question]))
    : new Map<string, string>();
  const perDay = Array.from({ length: days }, (_, i) => {
    const d = localDayOf(new Date(startOf(from).getTime() + i * DAY_MS + 12 * 3_600_000));
    const today = asks.filter((r) => localDayOf(r.at) === d);
    return { day: d, asked: today.length, confident: today.filter((r) => r.confident).length, notHelpful: notHelpful.filter((r) => localDayOf(r.at) === d).length };
  });
  return {
    from,
    to,
    asked: asks.length,
    confident: asks.filter((r) => r.confident).length,
    helpful: votes.length - notHelpful.length,
    notHelpful: notHelpful.length,
    topQuestions: byQuestion.slice(0, 20),
    unanswered: byQuestion.filter((q) => q.confident < q.asked).sort((a, b) => b.asked - b.confident - (a.asked - a.confident) || a.key.localeCompare(b.key)).slice(0, 20),
    entries: byEntry.slice(0, 50).map((e) => ({ ...e, question: names.get(e.key) ?? null })),
    categories: byCategory,
    perDay,
  };
}

/** The analytics as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese). */
export function analyticsCsv(a: Awaited<ReturnType<typeof readAnalytics>>): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines: (string | number | null)[][] = [
    ['部分', '项目', '提问次数', '直接答复次数', '解决了', '没解决'],
    ['合计', `${a.from} 至 ${a.to}`, a.asked, a.confident, a.helpful, a.notHelpful],
    ...a.perDay.map((d) => ['每日', d.day, d.asked, d.confident, null, d.notHelpful]),
    ...a.topQuestions.map((q) => ['问题', q.key, q.asked, q.confident, null, null]),
    ...a.entries.map((e) => ['条目', `${e.key} ${e.question ?? ''}`.trim(), e.asked, e.confident, e.helpful, e.notHelpful]),
    ...a.categories.map((c) => ['分类', c.key, c.asked, c.confident, c.helpful, c.notHelpful]),
  ];
  return `\ufeff${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
