import { createHash } from 'node:crypto';
import type { KnowledgeEntry } from '../entry.ts';
import { termsOf } from '../text/grams.ts';
import { pinyinTerms } from '../text/pinyin.ts';
import type { Vocabulary } from '../text/vocabulary.ts';

/** What the search index holds for one live entry. */
export interface KbDocument {
  id: string;
  question: string;
  alternates: string[];
  keywords: string[];
  answer: string;
  answer_text: string;
  category: string;
  subcategory: string | null;
  unit: string | null;
  /** YYYYMMDD from which the entry applies (0: always). */
  effective_day: number;
  /** YYYYMMDD from which it no longer applies (99991231: never). */
  expires_day: number;
  /** Question and alternates with synonyms made canonical and fillers removed. */
  canon: string[];
  /** Character bigrams of the canonical phrasings and keywords, space separated. */
  grams: string;
  /** The same in toneless pinyin (shenfen fenzheng …), so homophone typos still find the entry. */
  py: string;
  /** The bigrams again as lists, for retrieving by filter. */
  gram_terms: string[];
  py_terms: string[];
  version: number;
  /** Fingerprint of everything above, for reconciliation with the database. */
  hash: string;
}

export const dayNumber = (day: string) => Number(day.replaceAll('-', ''));

/** Markdown to searchable plain text (links keep their text, syntax goes). */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function toDocument(entry: KnowledgeEntry, vocabulary: Vocabulary): KbDocument {
  const canon = [entry.question, ...entry.alternates].map((t) => vocabulary.canonicalize(t)).filter(Boolean);
  const grams = new Set<string>();
  const py = new Set<string>();
  for (const text of [...canon, ...entry.keywords.map((k) => vocabulary.canonicalize(k))]) {
    for (const t of termsOf(text)) grams.add(t);
    for (const t of pinyinTerms(text)) py.add(t.replace('_', ''));
  }
  const body = {
    id: entry.id,
    question: entry.question,
    alternates: entry.alternates,
    keywords: entry.keywords,
    answer: entry.answer,
    answer_text: markdownToText(entry.answer),
    category: entry.categoryCode,
    subcategory: entry.subcategoryCode,
    unit: entry.unitId,
    effective_day: entry.effectiveFrom ? dayNumber(entry.effectiveFrom) : 0,
    expires_day: entry.expiresOn ? dayNumber(entry.expiresOn) : 99991231,
    canon,
    grams: [...grams].join(' '),
    py: [...py].join(' '),
    gram_terms: [...grams],
    py_terms: [...py],
    version: entry.version,
  };
  return { ...body, hash: createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32) };
}
