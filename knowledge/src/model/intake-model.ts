import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUEST_TYPES, type RequestType } from '@hotline/db/enums';
import { z } from 'zod';
import { FeatureSpace, messageFeatures } from './features.ts';
import { LinearModel, type LinearOptions, type SparseVector } from './linear.ts';

/**
 * One labelled citizen message. Older sets label only some fields; each of
 * the model's heads learns from the examples that carry its label.
 */
export const IntakeExample = z.object({
  text: z.string().min(1),
  category: z.string().nullish(),
  subcategory: z.string().nullish(),
  type: z.enum(REQUEST_TYPES).nullish(),
  urgent: z.boolean().nullish(),
  emergency: z.string().nullish(),
});
export type IntakeExample = z.infer<typeof IntakeExample>;

const EVAL_DIR = fileURLToPath(new URL('../../eval/', import.meta.url));

/**
 * The training material in the repository: the first labelled set and every
 * `splits/intake-train-*.jsonl`. Never the test split (`intake-test.jsonl`),
 * which only the evaluation reads.
 */
export function trainingFiles(dir = EVAL_DIR): string[] {
  const splits = `${dir}splits/`;
  const files = [`${dir}intake-messages.jsonl`];
  if (existsSync(splits)) {
    files.push(...readdirSync(splits).filter((f) => /^intake-train-.*\.jsonl$/.test(f)).sort().map((f) => splits + f));
  }
  return files.filter((f) => existsSync(f));
}

/** Labelled messages from JSON Lines files; a line that does not parse is skipped (a file being written ends mid-line). */
export function readIntakeExamples(files: readonly string[]): IntakeExample[] {
  const out: IntakeExample[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = IntakeExample.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // an unfinished last line
      }
    }
  }
  return out;
}

/**
 * The knowledge base's own phrasings (each entry's question and alternates)
 * as category examples: 1,400 ways citizens ask about each topic, labelled by
 * the editors. They carry no type or urgency label.
 */
export function knowledgeExamples(file = fileURLToPath(new URL('../../content/entries.jsonl', import.meta.url))): IntakeExample[] {
  if (!existsSync(file)) return [];
  const out: IntakeExample[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { question?: string; alternates?: string[]; category?: string };
    if (!entry.category) continue;
    const category = entry.category.split('.')[0]!;
    const subcategory = entry.category.includes('.') ? entry.category : null;
    for (const text of [entry.question, ...(entry.alternates ?? [])]) if (text) out.push({ text, category, subcategory });
  }
  return out;
}

/** The fixed share and seed of the DEV split (knowledge/eval/splits/README.md). */
export const DEV_SPLIT = { share: 0.2, seed: 'intake-dev-2026' } as const;

/**
 * TRAIN and DEV from the training material: within each first-level
 * category, messages ordered by a seeded hash of their text, every fifth one
 * to DEV. The same data always splits the same way; DEV chooses settings and
 * never trains the model the settings are chosen for.
 */
export function splitTrainDev(examples: readonly IntakeExample[]): { train: IntakeExample[]; dev: IntakeExample[] } {
  const every = Math.round(1 / DEV_SPLIT.share);
  const strata = new Map<string, { e: IntakeExample; h: string }[]>();
  for (const e of examples) {
    const key = e.category ?? '-';
    const h = createHash('sha256').update(`${DEV_SPLIT.seed}:${e.text}`).digest('hex');
    if (!strata.has(key)) strata.set(key, []);
    strata.get(key)!.push({ e, h });
  }
  const train: IntakeExample[] = [];
  const dev: IntakeExample[] = [];
  for (const group of strata.values()) {
    group.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    group.forEach(({ e }, i) => (i % every === every - 1 ? dev : train).push(e));
  }
  return { train, dev };
}

/** What the model says about one message; a head without training data says nothing. */
export interface IntakePrediction {
  /** First-level category → probability. */
  category: Map<string, number> | null;
  /** Second-level categories of a first level → probability within it. */
  subcategory: (firstLevel: string) => Map<string, number> | null;
  type: Map<RequestType, number> | null;
  /** Probability that the message needs urgent handling. */
  urgent: number | null;
}

export interface IntakeModel {
  predict(text: string): IntakePrediction;
  /** The urgency head alone (what filing asks, on every ticket): the probability that the message needs urgent handling. */
  predictUrgent(text: string): number | null;
  /** How many examples each head learnt from. */
  readonly trainedOn: { category: number; subcategory: number; type: number; urgent: number };
}

const parentOf = (code: string) => code.split('.')[0]!;

/**
 * Trains the four heads (first-level category, second-level category within
 * its first level, request type, urgency) on labelled messages. Call it again
 * with more examples (new data files, dispatchers' corrections) to retrain.
 */
export function trainIntakeModel(examples: readonly IntakeExample[], options: Partial<LinearOptions> & { minCount?: number } = {}): IntakeModel {
  const lists = examples.map((e) => messageFeatures(e.text));
  const space = FeatureSpace.fit(lists, options.minCount ?? 2);
  const vectors = new Map<IntakeExample, SparseVector>(examples.map((e, i) => [e, space.vectorOf(lists[i]!)]));
  const head = (labelled: { e: IntakeExample; label: string }[], grouped = false) => {
    if (new Set(labelled.map((l) => l.label)).size < 2) return null;
    const classes = [...new Set(labelled.map((l) => l.label))].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    let groups: number[][] | undefined;
    if (grouped) {
      const byParent = new Map<string, number[]>();
      classes.forEach((c, i) => byParent.set(parentOf(c), [...(byParent.get(parentOf(c)) ?? []), i]));
      groups = [...byParent.values()];
    }
    const model = LinearModel.train(
      classes,
      space.size,
      labelled.map((l) => ({ x: vectors.get(l.e)!, y: index.get(l.label)! })),
      options,
      groups,
    );
    return { model, count: labelled.length };
  };
  const category = head(examples.filter((e) => e.category).map((e) => ({ e, label: e.category! })));
  const subcategory = head(
    examples.filter((e) => e.subcategory && e.subcategory.includes('.')).map((e) => ({ e, label: e.subcategory! })),
    true,
  );
  const type = head(examples.filter((e) => e.type).map((e) => ({ e, label: e.type! })));
  const urgent = head(examples.filter((e) => typeof e.urgent === 'boolean').map((e) => ({ e, label: e.urgent ? 'urgent' : 'normal' })));
  // One class per first level is enough to ask the grouped head within it.
  const childOf = new Map<string, string>();
  for (const c of subcategory?.model.classes ?? []) childOf.set(parentOf(c), c);

  return {
    trainedOn: { category: category?.count ?? 0, subcategory: subcategory?.count ?? 0, type: type?.count ?? 0, urgent: urgent?.count ?? 0 },
    predict(text: string): IntakePrediction {
      const x = space.vector(text);
      return {
        category: category ? category.model.probabilities(x) : null,
        subcategory: (first) => {
          const child = childOf.get(first);
          return subcategory && child ? subcategory.model.probabilities(x, child) : null;
        },
        type: type ? (type.model.probabilities(x) as Map<RequestType, number>) : null,
        urgent: urgent ? (urgent.model.probabilities(x).get('urgent') ?? 0) : null,
      };
    },
    predictUrgent(text: string): number | null {
      return urgent ? (urgent.model.probabilities(space.vector(text)).get('urgent') ?? 0) : null;
    },
  };
}

/** The training material split for honest evaluation: TRAIN and DEV messages, and the knowledge base's phrasings (TRAIN only). */
export function intakeTrainingMaterial(): { train: IntakeExample[]; dev: IntakeExample[]; knowledge: IntakeExample[] } {
  return { ...splitTrainDev(readIntakeExamples(trainingFiles())), knowledge: knowledgeExamples() };
}

let shipped: { model: IntakeModel | null; ms: number; examples: number } | null = null;

/**
 * Trains the model the intake chain uses from all the training material in
 * the repository (TRAIN and DEV messages and the knowledge base's phrasings;
 * the chain's weights were chosen on DEV with a TRAIN-only model) plus any
 * further labelled examples, such as dispatchers' corrections, and makes it
 * the one the chain uses from now on.
 */
export function retrainIntakeModel(extra: readonly IntakeExample[] = []): IntakeModel {
  const started = performance.now();
  const { train, dev, knowledge } = intakeTrainingMaterial();
  const examples = [...train, ...dev, ...knowledge, ...extra];
  const model = trainIntakeModel(examples);
  shipped = { model, ms: performance.now() - started, examples: examples.length };
  return model;
}

/**
 * The model the intake chain uses unless told otherwise: trained once per
 * process, on first use. Training at start instead of shipping weights means
 * the model can never be older than its data.
 */
export function shippedIntakeModel(): IntakeModel | null {
  return shipped ? shipped.model : retrainIntakeModel();
}

/** Replaces the model the chain uses by default; null drafts by rules alone (benchmarks, comparisons). */
export function useIntakeModel(model: IntakeModel | null): void {
  shipped = { model, ms: 0, examples: 0 };
}

/** How long the shipped model took to read and train, for start-up logs and the README. */
export function shippedIntakeModelStats(): { ms: number; examples: number } | null {
  return shipped ? { ms: shipped.ms, examples: shipped.examples } : null;
}
