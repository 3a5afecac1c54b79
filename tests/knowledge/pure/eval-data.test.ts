// The labelled data the models learn from and are measured on is written by
// many hands; these checks keep a bad line (an unknown code, an emergency on
// a calm message, a TEST line copied into training) out of the splits.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeText } from '@hotline/knowledge';
import { describe, expect, it } from 'vitest';
import { DEMO_CITY } from '../../../api/src/seed/demo-city.ts';

const EVAL = fileURLToPath(new URL('../../../knowledge/eval/', import.meta.url));
const SPLITS = `${EVAL}splits/`;
const ENTRIES = fileURLToPath(new URL('../../../knowledge/content/entries.jsonl', import.meta.url));

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const splitFiles = (pattern: RegExp) =>
  readdirSync(SPLITS)
    .filter((f) => pattern.test(f))
    .sort();

const TYPES = new Set(['complaint', 'report', 'help', 'consultation', 'suggestion', 'praise']);
const EMERGENCIES = new Set(['110', '119', '120', '122']);

describe('labelled evaluation data', () => {
  it('labels every intake message with codes the city has, and an emergency only when urgent', () => {
    const parentOf = new Map<string, string>();
    for (const c of DEMO_CITY.categories) {
      parentOf.set(c.code, '');
      for (const child of c.children) parentOf.set(child.code, c.code);
    }
    const problems: string[] = [];
    const files = [...splitFiles(/^intake-(train-.*|test)\.jsonl$/), '../intake-messages.jsonl'];
    for (const file of files) {
      for (const [i, m] of lines(SPLITS + file).entries()) {
        const at = `${file}:${i + 1}`;
        if (typeof m.text !== 'string' || !m.text.trim()) problems.push(`${at} no text`);
        if (m.category !== null && parentOf.get(m.category as string) !== '') problems.push(`${at} category ${m.category}`);
        if (m.subcategory != null && parentOf.get(m.subcategory as string) !== m.category) problems.push(`${at} subcategory ${m.subcategory} not under ${m.category}`);
        if (m.type !== undefined && !TYPES.has(m.type as string)) problems.push(`${at} type ${m.type}`);
        if (m.emergency != null && !EMERGENCIES.has(m.emergency as string)) problems.push(`${at} emergency ${m.emergency}`);
        if (m.urgent === false && m.emergency != null) problems.push(`${at} an emergency on a message not urgent`);
      }
    }
    expect(files.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('copies no TEST message or question into the material models learn or choose settings from', () => {
    const intakeTest = new Set(lines(`${SPLITS}intake-test.jsonl`).map((m) => normalizeText(m.text as string)));
    const intakeCopies = splitFiles(/^intake-train-.*\.jsonl$/).flatMap((f) => lines(SPLITS + f).filter((m) => intakeTest.has(normalizeText(m.text as string))).map((m) => `${f}: ${m.text}`));
    expect(intakeCopies).toEqual([]);

    const kbTest = new Set(lines(`${SPLITS}kb-test.jsonl`).map((q) => normalizeText(q.q as string)));
    const kbFiles = [...splitFiles(/^kb-(train|dev|more-.*)\.jsonl$/), '../kb-queries.jsonl'];
    const kbCopies = kbFiles.flatMap((f) => lines(SPLITS + f).filter((q) => kbTest.has(normalizeText(q.q as string))).map((q) => `${f}: ${q.q}`));
    expect(kbCopies).toEqual([]);
  });

  it('labels every knowledge-base question with an entry that exists, or none', () => {
    const ids = new Set(lines(ENTRIES).map((e) => e.id as string));
    const problems: string[] = [];
    for (const file of [...splitFiles(/^kb-.*\.jsonl$/), '../kb-queries.jsonl']) {
      for (const [i, q] of lines(SPLITS + file).entries()) {
        if (typeof q.q !== 'string' || !q.q.trim()) problems.push(`${file}:${i + 1} no question`);
        if (q.expected !== null && !ids.has(q.expected as string)) problems.push(`${file}:${i + 1} entry ${q.expected}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
