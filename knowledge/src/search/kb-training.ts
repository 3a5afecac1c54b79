import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readContentFiles } from '../content/files.ts';
import { parseEntryLines } from '../content/jsonl.ts';
import type { LabelledQuestion } from './entry-classifier.ts';

const EVAL_DIR = fileURLToPath(new URL('../../eval/', import.meta.url));

/** The share and seed that put a labelled question in DEV (knowledge/eval/splits/README.md). */
export const KB_DEV_SPLIT = { share: 0.4, seed: 'kb-dev-2026' } as const;

export interface KbQuestion extends LabelledQuestion {
  style: string;
}

/** Labelled questions from a JSON Lines file; a line that does not parse is skipped (a file being written ends mid-line). */
export function readKbQuestions(file: string): KbQuestion[] {
  if (!existsSync(file)) return [];
  const out: KbQuestion[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<KbQuestion>;
      if (typeof v.q === 'string' && v.q.trim() && (typeof v.expected === 'string' || v.expected === null)) {
        const near = v.expected === null && typeof v.near === 'string' ? { near: v.near } : {};
        out.push({ q: v.q, expected: v.expected, style: typeof v.style === 'string' ? v.style : 'unknown', ...near });
      }
    } catch {
      // an unfinished last line
    }
  }
  return out;
}

/** Whether a question of a pooled file (`kb-more-*.jsonl`) belongs to DEV: a fixed share by a seeded hash of its text. */
export function inKbDev(q: string): boolean {
  const h = createHash('sha256').update(`${KB_DEV_SPLIT.seed}:${q}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < KB_DEV_SPLIT.share;
}

function pooledFiles(dir: string): string[] {
  const splits = `${dir}splits/`;
  if (!existsSync(splits)) return [];
  return readdirSync(splits)
    .filter((f) => /^kb-more-.*\.jsonl$/.test(f))
    .sort()
    .map((f) => splits + f);
}

/**
 * The labelled questions the answer chain learns from (TRAIN): the first set,
 * `splits/kb-train.jsonl` and the TRAIN share of every `splits/kb-more-*.jsonl`.
 * Never DEV (which chooses the confidence thresholds) nor the test split.
 */
export function kbTrainQuestions(dir = EVAL_DIR): KbQuestion[] {
  return [...readKbQuestions(`${dir}kb-queries.jsonl`), ...kbSplitTrainQuestions(dir)];
}

/** TRAIN without the first set: `splits/kb-train.jsonl` and the TRAIN share of every `splits/kb-more-*.jsonl`. */
export function kbSplitTrainQuestions(dir = EVAL_DIR): KbQuestion[] {
  return [...readKbQuestions(`${dir}splits/kb-train.jsonl`), ...pooledFiles(dir).flatMap((f) => readKbQuestions(f).filter((q) => !inKbDev(q.q)))];
}

/** DEV: `splits/kb-dev.jsonl` and the DEV share of every `splits/kb-more-*.jsonl`. */
export function kbDevQuestions(dir = EVAL_DIR): KbQuestion[] {
  return [...readKbQuestions(`${dir}splits/kb-dev.jsonl`), ...pooledFiles(dir).flatMap((f) => readKbQuestions(f).filter((q) => inKbDev(q.q)))];
}

/** Each shipped entry's question by id: what the labelled questions were labelled against. */
function shippedQuestions(): Map<string, string> {
  return new Map(parseEntryLines(readContentFiles().entries).entries.map((e) => [e.id, e.question]));
}

let cached: KbQuestion[] | undefined;
/**
 * TRAIN, read once per process: the files ship with the code and change with
 * it. Each question carries the shipped entry's question it was labelled
 * against, so that an entry replaced under the same id does not learn from it.
 */
export function kbTrainingMaterial(): readonly KbQuestion[] {
  if (cached) return cached;
  const about = shippedQuestions();
  cached = kbTrainQuestions().map((q) => {
    const of = q.expected ?? q.near;
    const question = of === undefined ? undefined : about.get(of);
    return question === undefined ? q : { ...q, about: question };
  });
  return cached;
}
