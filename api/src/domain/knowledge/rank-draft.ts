import { z } from 'zod';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import type { KnowledgeService } from './knowledge-service.ts';
import { liveEntries, requireEditor, toContent } from './internal.ts';
import { KnowledgeSandbox } from './sandbox.ts';
import { KbContentInput } from './schemas.ts';

/** The id a new entry's draft is ranked under, before it has one. */
export const NEW_ENTRY_ID = '(新条目)';

export const RankDraftInput = z.object({
  /** The entry being edited; absent for a new one. */
  entryId: z.string().trim().max(64).optional(),
  content: KbContentInput,
  /** How a citizen might ask. */
  phrasing: z.string({ error: '请填写市民的问法' }).trim().min(1, '请填写市民的问法').max(200, '问法不能超过 200 个字'),
});
export type RankDraftInput = z.infer<typeof RankDraftInput>;

/** How many entries above the draft are listed. */
const ABOVE = 5;

/**
 * 试一试: where the draft (as it is in the editor, not yet published) would
 * rank for a citizen's phrasing among the live entries, what ranks above it
 * with the words each matched, and whether the answer would be given
 * confidently (the first entry answered) or only as suggestions.
 */
export async function rankDraft(ctx: DomainContext, kb: KnowledgeService, input: RankDraftInput) {
  requireEditor(ctx, '测试问法');
  const content = toContent(ctx, input.content);
  const id = input.entryId || NEW_ENTRY_ID;
  const { vocabulary } = await kb.snapshot();
  const today = localDayOf(ctx.now());
  const others = (await liveEntries(ctx.db)).filter((e) => e.id !== id);
  // The draft is ranked whatever its dates: the editor asks how it reads, not whether it is in force today.
  const draft = { id, ...content, effectiveFrom: null, expiresOn: null, version: 0 };
  const sandbox = new KnowledgeSandbox(vocabulary, [...others, draft], today);
  const result = await sandbox.search(input.phrasing, { limit: others.length + 1, today });
  const index = result.hits.findIndex((h) => h.id === id);
  const rank = index >= 0 && result.hits[index]!.score > 0 ? index + 1 : null;
  const hit = (h: (typeof result.hits)[number], position: number) => ({
    position,
    id: h.id,
    question: h.question,
    score: h.score,
    words: sandbox.matched(input.phrasing, h.id),
  });
  const above = result.hits.slice(0, Math.min(rank ? rank - 1 : ABOVE, ABOVE)).map((h, i) => hit(h, i + 1));
  const known = new Set([content.question, ...content.alternates].map((p) => p.trim()));
  return {
    phrasing: input.phrasing,
    entryId: id,
    rank,
    entries: result.hits.length,
    entry: index >= 0 ? hit(result.hits[index]!, index + 1) : null,
    above,
    /** The answer citizens would get: the first entry answered outright (confident), or suggestions only. */
    confident: result.confident,
    confidence: result.confidence,
    answeredBy: result.hits[0]?.id ?? null,
    /** The phrasing is already the question or one of the alternates. */
    alreadyAsked: known.has(input.phrasing.trim()),
  };
}
