import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Db, kbEntries, type KbRegressionOutcome, kbRegressionQuestions, kbRegressionRuns } from '@hotline/db';
import { normalizeText, Vocabulary } from '@hotline/knowledge';
import { and, asc, count, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { actorName, liveEntries, requireEditor } from './internal.ts';
import { type KnowledgeService, loadVocabulary } from './knowledge-service.ts';
import { KnowledgeSandbox } from './sandbox.ts';
import type { VocabularyInput } from './schemas.ts';

/**
 * 回归问题: "question → expected entry" pairs the editors keep, run against
 * live search on demand and after every publish or vocabulary change, each
 * run compared with the one before it so that a change that makes search
 * worse for some question is seen at once.
 *
 * Seeded from the project's own evaluation questions: the training and DEV
 * splits and the query set (never the TEST split, which nobody tunes on).
 */
const EVAL_DIR = fileURLToPath(new URL('../../../../knowledge/eval/', import.meta.url));
export const SEED_FILES = [
  { source: 'kb-train', path: 'splits/kb-train.jsonl' },
  { source: 'kb-dev', path: 'splits/kb-dev.jsonl' },
  { source: 'kb-queries', path: 'kb-queries.jsonl' },
] as const;

const Line = z.object({ q: z.string().trim().min(1).max(500), expected: z.string().nullable() });

/** Answerable evaluation questions whose entry exists here, once each. */
export function seedQuestions(existing: Set<string>): { question: string; expectedEntryId: string; source: string }[] {
  const seen = new Set<string>();
  const out: { question: string; expectedEntryId: string; source: string }[] = [];
  for (const file of SEED_FILES) {
    let text: string;
    try {
      text = readFileSync(`${EVAL_DIR}${file.path}`, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      const parsed = Line.safeParse(JSON.parse(raw));
      if (!parsed.success || !parsed.data.expected || !existing.has(parsed.data.expected)) continue;
      const key = `${parsed.data.q}\u0000${parsed.data.expected}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ question: parsed.data.q, expectedEntryId: parsed.data.expected, source: file.source });
    }
  }
  return out;
}

async function questionCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(kbRegressionQuestions);
  return Number(row?.n ?? 0);
}

/** Fills an empty list from the evaluation files (once: an editor's removals stay removed, as inactive rows). */
export async function ensureRegressionSeeded(db: Db): Promise<void> {
  if ((await questionCount(db)) > 0) return;
  const ids = new Set((await db.select({ id: kbEntries.id }).from(kbEntries)).map((r) => r.id));
  const rows = seedQuestions(ids);
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(kbRegressionQuestions).values(rows.slice(i, i + 500)).onConflictDoNothing();
  }
}

async function activeQuestions(db: Db) {
  return db
    .select({ id: kbRegressionQuestions.id, question: kbRegressionQuestions.question, expectedEntryId: kbRegressionQuestions.expectedEntryId })
    .from(kbRegressionQuestions)
    .where(eq(kbRegressionQuestions.active, true))
    .orderBy(asc(kbRegressionQuestions.id));
}

/** How good an outcome is, for "worse" and "better": first > among three > not found; confident counts within the same place. */
function merit(o: Pick<KbRegressionOutcome, 'rank' | 'confident'> | undefined): number {
  if (!o) return -1;
  const place = o.rank === 1 ? 3 : o.rank ? 2 : 0;
  return place * 2 + (o.rank === 1 && o.confident ? 1 : 0);
}

async function searchAll(questions: { id: number; question: string; expectedEntryId: string }[], search: (q: string) => Promise<{ hits: { id: string }[]; confident: boolean }>): Promise<KbRegressionOutcome[]> {
  const results: KbRegressionOutcome[] = new Array(questions.length);
  let next = 0;
  // Yields between questions so that a long run does not hold up other requests.
  const worker = async () => {
    while (next < questions.length) {
      const i = next++;
      const q = questions[i]!;
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      const found = await search(q.question);
      const position = found.hits.slice(0, 3).findIndex((h) => h.id === q.expectedEntryId);
      results[i] = { id: q.id, rank: position >= 0 ? position + 1 : null, top: found.hits[0]?.id ?? null, confident: found.confident && found.hits[0]?.id === q.expectedEntryId };
    }
  };
  await Promise.all(Array.from({ length: 2 }, worker));
  return results;
}

export type RegressionTrigger = 'manual' | 'publish' | 'vocabulary';

/** Runs every active question against the live knowledge and stores the run. */
export async function runRegression(ctx: DomainContext, kb: KnowledgeService, trigger: RegressionTrigger) {
  if (trigger === 'manual') requireEditor(ctx, '运行回归问题');
  await ensureRegressionSeeded(ctx.db);
  const questions = await activeQuestions(ctx.db);
  const startedAt = ctx.now();
  const today = localDayOf(startedAt);
  // The live entries and vocabulary as citizens' search has them, ranked in
  // this process (the sandbox) rather than through the search server: a
  // thousand searches at once must not crowd out citizens' own, and one
  // timeout must not void a run. The ranking is the same reranker's.
  const { vocabulary } = await kb.snapshot();
  const sandbox = new KnowledgeSandbox(vocabulary, await liveEntries(ctx.db), today);
  const results = await searchAll(questions, (q) => sandbox.search(q, { limit: 3, today }));
  const summary = {
    total: results.length,
    top1: results.filter((r) => r.rank === 1).length,
    top3: results.filter((r) => r.rank !== null).length,
    confident: results.filter((r) => r.confident).length,
  };
  const [run] = await ctx.db
    .insert(kbRegressionRuns)
    .values({ trigger, startedBy: actorName(ctx), startedAt, finishedAt: new Date(), ...summary, results })
    .returning({ id: kbRegressionRuns.id });
  return { id: run!.id, trigger, startedAt, ...summary };
}

const pending = new WeakMap<KnowledgeService, { running: Promise<void>; again: RegressionTrigger | null }>();

/**
 * After a publish or a vocabulary change: a run in the background, once the
 * list exists (an office that never opened it pays nothing). Changes that
 * arrive while one runs are covered by one more run after it.
 */
export function scheduleRegression(ctx: DomainContext, kb: KnowledgeService, trigger: Exclude<RegressionTrigger, 'manual'>): Promise<void> {
  const state = pending.get(kb);
  if (state) {
    state.again = trigger;
    return state.running;
  }
  const run = async (why: RegressionTrigger): Promise<void> => {
    if ((await questionCount(ctx.db)) === 0) return;
    await runRegression(ctx, kb, why);
  };
  const entry = { running: Promise.resolve(), again: null as RegressionTrigger | null };
  entry.running = (async () => {
    try {
      let why: RegressionTrigger | null = trigger;
      while (why) {
        entry.again = null;
        await run(why).catch(() => undefined);
        why = entry.again;
      }
    } finally {
      pending.delete(kb);
    }
  })();
  pending.set(kb, entry);
  return entry.running;
}

export const RegressionQuestionInput = z.object({
  question: z.string({ error: '请填写问题' }).trim().min(2, '问题至少 2 个字').max(200, '问题不能超过 200 个字'),
  expectedEntryId: z.string({ error: '请填写应答条目的编号' }).trim().min(1, '请填写应答条目的编号').max(64),
});

export async function addRegressionQuestion(ctx: DomainContext, input: z.infer<typeof RegressionQuestionInput>) {
  const actor = requireEditor(ctx, '添加回归问题');
  const [entry] = await ctx.db.select({ id: kbEntries.id }).from(kbEntries).where(eq(kbEntries.id, input.expectedEntryId));
  if (!entry) throw new DomainError('VALIDATION', `未找到知识条目 ${input.expectedEntryId}`, [{ path: 'expectedEntryId', message: `未找到知识条目 ${input.expectedEntryId}` }]);
  const [row] = await ctx.db
    .insert(kbRegressionQuestions)
    .values({ ...input, source: 'editor', createdBy: actor.id })
    .onConflictDoUpdate({ target: [kbRegressionQuestions.question, kbRegressionQuestions.expectedEntryId], set: { active: true } })
    .returning();
  return row!;
}

export async function removeRegressionQuestion(ctx: DomainContext, id: number) {
  requireEditor(ctx, '移除回归问题');
  const [row] = await ctx.db.update(kbRegressionQuestions).set({ active: false }).where(and(eq(kbRegressionQuestions.id, id), eq(kbRegressionQuestions.active, true))).returning({ id: kbRegressionQuestions.id });
  if (!row) throw notFound('未找到该回归问题');
}

/**
 * The list as the console shows it: the last run against the one before
 * (top-1, top-3, confident share), every question that got worse first,
 * then those that got better, then those still not answered first.
 */
export async function readRegression(ctx: DomainContext, options: { limit: number }) {
  requireEditor(ctx, '查看回归问题');
  await ensureRegressionSeeded(ctx.db);
  const [questions, runs] = await Promise.all([
    ctx.db.select().from(kbRegressionQuestions).where(eq(kbRegressionQuestions.active, true)).orderBy(asc(kbRegressionQuestions.id)),
    ctx.db.select().from(kbRegressionRuns).orderBy(desc(kbRegressionRuns.id)).limit(2),
  ]);
  const [last, previous] = runs;
  const before = new Map((previous?.results ?? []).map((r) => [r.id, r]));
  const now = new Map((last?.results ?? []).map((r) => [r.id, r]));
  const rows = questions.map((q) => {
    const a = now.get(q.id);
    const b = before.get(q.id);
    const change = !a || !b ? 'new' : merit(a) < merit(b) ? 'worse' : merit(a) > merit(b) ? 'better' : 'same';
    return { id: q.id, question: q.question, expectedEntryId: q.expectedEntryId, source: q.source, now: a ?? null, before: b ?? null, change };
  });
  const order = { worse: 0, better: 1, new: 2, same: 3 } as const;
  const listed = rows
    .filter((r) => r.change === 'worse' || r.change === 'better' || (r.now && r.now.rank !== 1) || (!r.now && last))
    .sort((x, y) => order[x.change as keyof typeof order] - order[y.change as keyof typeof order] || (x.now?.rank ?? 9) - (y.now?.rank ?? 9) || x.id - y.id);
  const summary = (run: typeof last) =>
    run ? { id: run.id, trigger: run.trigger, startedAt: run.startedAt, finishedAt: run.finishedAt, total: run.total, top1: run.top1, top3: run.top3, confident: run.confident } : null;
  return {
    questions: questions.length,
    last: summary(last),
    previous: summary(previous),
    worse: rows.filter((r) => r.change === 'worse').length,
    better: rows.filter((r) => r.change === 'better').length,
    rows: listed.slice(0, options.limit),
    listed: listed.length,
  };
}

/** The words a vocabulary change touches: every term of a group added, removed or changed, and every stop word added or removed. */
function changedTerms(a: { synonymGroups: readonly (readonly string[])[]; stopWords: readonly string[] }, b: VocabularyInput): string[] {
  const key = (g: readonly string[]) => JSON.stringify(g);
  const groupsA = new Set(a.synonymGroups.map(key));
  const groupsB = new Set(b.synonymGroups.map(key));
  const terms = new Set<string>();
  for (const g of a.synonymGroups) if (!groupsB.has(key(g))) for (const t of g) terms.add(t);
  for (const g of b.synonymGroups) if (!groupsA.has(key(g))) for (const t of g) terms.add(t);
  const stopsA = new Set(a.stopWords);
  const stopsB = new Set(b.stopWords);
  for (const w of stopsA) if (!stopsB.has(w)) terms.add(w);
  for (const w of stopsB) if (!stopsA.has(w)) terms.add(w);
  return [...terms].map((t) => normalizeText(t)).filter(Boolean);
}

/**
 * Before a vocabulary change is saved: the regression questions whose first
 * entry would change, each with whether it becomes right or wrong. Both
 * sides are searched the same way (the sandbox over the live entries), the
 * current vocabulary against the proposed one, so only the vocabulary
 * differs. Only the questions the change can reach are searched: those that
 * contain a word it touches, or whose expected entry or last first entry
 * does (a thousand questions twice took 10 s on a loaded machine).
 */
export async function vocabularyImpact(ctx: DomainContext, proposed: VocabularyInput) {
  requireEditor(ctx, '检查词表修改的影响');
  await ensureRegressionSeeded(ctx.db);
  const [all, entries, current, lastRun] = await Promise.all([
    activeQuestions(ctx.db),
    liveEntries(ctx.db),
    loadVocabulary(ctx.db),
    ctx.db.select({ results: kbRegressionRuns.results }).from(kbRegressionRuns).orderBy(desc(kbRegressionRuns.id)).limit(1),
  ]);
  const changed = changedTerms(current.data, proposed);
  const mentions = (text: string) => {
    const normal = normalizeText(text);
    return changed.some((t) => normal.includes(t));
  };
  const touched = new Set(entries.filter((e) => mentions([e.question, ...e.alternates, ...e.keywords, e.answer].join('\n'))).map((e) => e.id));
  const lastTop = new Map((lastRun[0]?.results ?? []).map((r) => [r.id, r.top]));
  const questions = all.filter((q) => mentions(q.question) || touched.has(q.expectedEntryId) || touched.has(lastTop.get(q.id) ?? ''));
  const today = localDayOf(ctx.now());
  const sandboxOf = (v: Vocabulary) => new KnowledgeSandbox(v, entries, today);
  const a = sandboxOf(current);
  const b = sandboxOf(new Vocabulary({ synonymGroups: proposed.synonymGroups, stopWords: proposed.stopWords }));
  const [before, after] = await Promise.all([
    searchAll(questions, (q) => a.search(q, { limit: 3, today })),
    searchAll(questions, (q) => b.search(q, { limit: 3, today })),
  ]);
  const questionOf = new Map(questions.map((q) => [q.id, q]));
  const changes = after
    .map((o, i) => ({ after: o, before: before[i]! }))
    .filter(({ after, before }) => after.top !== before.top || after.rank !== before.rank)
    .map(({ after, before }) => {
      const q = questionOf.get(after.id)!;
      const change = merit(after) < merit(before) ? 'worse' : merit(after) > merit(before) ? 'better' : 'same';
      return { id: q.id, question: q.question, expectedEntryId: q.expectedEntryId, before, after, change };
    })
    .filter((c) => c.before.top !== c.after.top || c.change !== 'same')
    .sort((x, y) => (x.change === y.change ? x.id - y.id : x.change === 'worse' ? -1 : y.change === 'worse' ? 1 : x.change === 'better' ? -1 : 1));
  const top1 = (list: KbRegressionOutcome[]) => list.filter((o) => o.rank === 1).length;
  return {
    questions: all.length,
    checked: questions.length,
    changedTerms: changed,
    top1Before: top1(before),
    top1After: top1(after),
    worse: changes.filter((c) => c.change === 'worse').length,
    better: changes.filter((c) => c.change === 'better').length,
    changes,
  };
}
