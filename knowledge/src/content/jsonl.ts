import { z } from 'zod';

/**
 * The exchange format of knowledge entries, one JSON object a line:
 * {"id":"F001","question":"…","alternates":["…"],"answer":"…","category":"utilities","keywords":["…"]}
 * `unit`, `effectiveFrom` and `expiresOn` may follow; anything else is refused.
 */
export const EntryLine = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'id 只能包含字母、数字、下划线和连字符（1-64 位）'),
    question: z.string().trim().min(2, 'question 至少 2 个字').max(200, 'question 不能超过 200 个字'),
    alternates: z.array(z.string().trim().min(1).max(200)).max(50, 'alternates 最多 50 个').default([]),
    answer: z.string().trim().min(2, 'answer 不能为空').max(20_000, 'answer 不能超过 20000 个字'),
    category: z.string().trim().min(1, 'category 不能为空').max(80),
    keywords: z.array(z.string().trim().min(1).max(40)).max(30, 'keywords 最多 30 个').default([]),
    unit: z.string().trim().max(64).nullable().optional(),
    effectiveFrom: z.iso.date().nullable().optional(),
    expiresOn: z.iso.date().nullable().optional(),
  })
  .strict();
export type EntryLine = z.infer<typeof EntryLine>;

export interface LineError {
  line: number;
  message: string;
}

/** Parses a JSON Lines file; every bad line is reported with its 1-based number. Blank lines are allowed. */
export function parseEntryLines(text: string): { entries: (EntryLine & { line: number })[]; errors: LineError[] } {
  const entries: (EntryLine & { line: number })[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      errors.push({ line, message: '不是有效的 JSON' });
      return;
    }
    const parsed = EntryLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors.push({ line, message: `${issue.path.join('.') || '(行)'}: ${issue.message}` });
      return;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier) {
      errors.push({ line, message: `id ${parsed.data.id} 与第 ${earlier} 行重复` });
      return;
    }
    seen.set(parsed.data.id, line);
    entries.push({ ...parsed.data, line });
  });
  return { entries, errors };
}

/** One entry as a line of the exchange format (keys in the documented order). */
export function formatEntryLine(entry: EntryLine): string {
  const line: Record<string, unknown> = {
    id: entry.id,
    question: entry.question,
    alternates: entry.alternates,
    answer: entry.answer,
    category: entry.category,
    keywords: entry.keywords,
  };
  if (entry.unit) line.unit = entry.unit;
  if (entry.effectiveFrom) line.effectiveFrom = entry.effectiveFrom;
  if (entry.expiresOn) line.expiresOn = entry.expiresOn;
  return JSON.stringify(line);
}

/** One synonym group a line, words separated by spaces; the first word is canonical. `#` starts a comment. */
export function parseWordLines(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/));
}
