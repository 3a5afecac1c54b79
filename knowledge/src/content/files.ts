import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWordLines } from './jsonl.ts';

/** 示范市's knowledge content, kept as files in knowledge/content/ (editable in a content repository). */
export const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url));

export interface ContentFiles {
  /** entries.jsonl as text, in the exchange format. */
  entries: string;
  synonymGroups: string[][];
  stopWords: string[];
  /** intake-rules.jsonl, one rule object a line. */
  intakeRules: unknown[];
}

export function readContentFiles(dir: string = CONTENT_DIR): ContentFiles {
  const read = (name: string) => {
    const path = `${dir.replace(/\/$/, '')}/${name}`;
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  return {
    entries: read('entries.jsonl'),
    synonymGroups: parseWordLines(read('synonyms.txt')).filter((g) => g.length >= 2),
    stopWords: parseWordLines(read('stopwords.txt')).flat(),
    intakeRules: read('intake-rules.jsonl')
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as unknown),
  };
}
