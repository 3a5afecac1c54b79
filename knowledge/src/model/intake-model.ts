import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { REQUEST_TYPES, type RequestType } from '@hotline/db/enums';
import { z } from 'zod';
import { FeatureSpace, messageFeatures } from './features.ts';
import { LINEAR_DEFAULTS, LinearModel, type LinearModelParts, type LinearOptions, type SparseVector } from './linear.ts';

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
 * TRAIN and DEV from the training material: a message is DEV when a seeded
 * hash of its text falls in the first fifth of the hash range. The same
 * message always lands on the same side, whatever the file order and
 * whatever material is added later (so a new data file never moves old
 * messages between TRAIN and DEV); DEV chooses settings and never trains the
 * model the settings are chosen for.
 */
export function splitTrainDev(examples: readonly IntakeExample[]): { train: IntakeExample[]; dev: IntakeExample[] } {
  const train: IntakeExample[] = [];
  const dev: IntakeExample[] = [];
  for (const e of examples) {
    const h = createHash('sha256').update(`${DEV_SPLIT.seed}:${e.text}`).digest().readUInt32BE(0) / 2 ** 32;
    (h < DEV_SPLIT.share ? dev : train).push(e);
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

export interface IntakeModelOptions extends LinearOptions {
  /** Features seen in fewer training messages are dropped. */
  minCount: number;
  /** Settings of one head over the rest (each head's own penalty was chosen by cross-file validation: README). */
  heads: Partial<Record<IntakeHead, Partial<LinearOptions>>>;
}

export type IntakeHead = 'category' | 'subcategory' | 'type' | 'urgent';

/**
 * Each head's penalty and step, chosen by cross-file validation (train on
 * every training file but one, measure on that one: each file was written by
 * other hands or in another style, so it stands for messages nobody tuned
 * for; `node tests/eval/intake-cross-file.ts`). A stronger penalty than the
 * default keeps the heads from learning one writer's pet words (across seven
 * files: category 79.5 → 81.8 %, type 82.5 → 83.8 %), and the urgency head's
 * probabilities from saturating. The second level needs only three passes;
 * the first level four (six gave DEV one message more in 1,219, for an eighth
 * more training time on the start-up's worker).
 */
export const INTAKE_MODEL_DEFAULTS: IntakeModelOptions = {
  ...LINEAR_DEFAULTS,
  minCount: 2,
  heads: {
    category: { l2: 1e-2, rate: 0.3, epochs: 4 },
    subcategory: { l2: 3e-3, epochs: 3 },
    type: { l2: 1e-3, rate: 0.3 },
    urgent: { l2: 3e-3, rate: 0.3 },
  },
};

/** A trained model as plain arrays: what a worker thread hands back (IntakeModelParts → intakeModelOf). */
export interface IntakeModelParts {
  features: Int32Array;
  heads: Record<IntakeHead, { model: LinearModelParts; count: number } | null>;
}

/**
 * Trains the four heads (first-level category, second-level category within
 * its first level, request type, urgency) on labelled messages. Call it again
 * with more examples (new data files, dispatchers' corrections) to retrain.
 */
export function trainIntakeModel(examples: readonly IntakeExample[], options: Partial<IntakeModelOptions> = {}): IntakeModel {
  return intakeModelOf(trainIntakeParts(examples, options));
}

export function trainIntakeParts(examples: readonly IntakeExample[], options: Partial<IntakeModelOptions> = {}): IntakeModelParts {
  const o = { ...INTAKE_MODEL_DEFAULTS, ...options };
  const lists = examples.map((e) => messageFeatures(e.text));
  const space = FeatureSpace.fit(lists, o.minCount);
  const vectors = new Map<IntakeExample, SparseVector>(examples.map((e, i) => [e, space.vectorOf(lists[i]!)]));
  const head = (name: IntakeHead, labelled: { e: IntakeExample; label: string }[], grouped = false) => {
    if (new Set(labelled.map((l) => l.label)).size < 2) return null;
    const classes = [...new Set(labelled.map((l) => l.label))].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    let groups: number[][] | undefined;
    if (grouped) {
      const byParent = new Map<string, number[]>();
      classes.forEach((c, i) => byParent.set(parentOf(c), [...(byParent.get(parentOf(c)) ?? []), i]));
      groups = [...byParent.values()];
    }
    const data = labelled.map((l) => ({ x: vectors.get(l.e)!, y: index.get(l.label)! }));
    return { model: LinearModel.train(classes, space.size, data, { ...o, ...o.heads[name] }, groups).parts(), count: labelled.length };
  };
  return {
    features: space.keys(),
    heads: {
      category: head('category', examples.filter((e) => e.category).map((e) => ({ e, label: e.category! }))),
      subcategory: head(
        'subcategory',
        examples.filter((e) => e.subcategory && e.subcategory.includes('.')).map((e) => ({ e, label: e.subcategory! })),
        true,
      ),
      type: head('type', examples.filter((e) => e.type).map((e) => ({ e, label: e.type! }))),
      urgent: head('urgent', examples.filter((e) => typeof e.urgent === 'boolean').map((e) => ({ e, label: e.urgent ? 'urgent' : 'normal' }))),
    },
  };
}

/** The model that answers from trained parts. */
export function intakeModelOf(parts: IntakeModelParts): IntakeModel {
  const space = FeatureSpace.fromKeys(parts.features);
  const load = (h: IntakeModelParts['heads'][IntakeHead]) => (h ? LinearModel.fromParts(h.model) : null);
  const category = load(parts.heads.category);
  const subcategory = load(parts.heads.subcategory);
  const type = load(parts.heads.type);
  const urgent = load(parts.heads.urgent);
  // One class per first level is enough to ask the grouped head within it.
  const childOf = new Map<string, string>();
  for (const c of subcategory?.classes ?? []) childOf.set(parentOf(c), c);
  const counted = (h: IntakeHead) => parts.heads[h]?.count ?? 0;

  return {
    trainedOn: { category: counted('category'), subcategory: counted('subcategory'), type: counted('type'), urgent: counted('urgent') },
    predict(text: string): IntakePrediction {
      const x = space.vector(text);
      return {
        category: category ? category.probabilities(x) : null,
        subcategory: (first) => {
          const child = childOf.get(first);
          return subcategory && child ? subcategory.probabilities(x, child) : null;
        },
        type: type ? (type.probabilities(x) as Map<RequestType, number>) : null,
        urgent: urgent ? (urgent.probabilities(x).get('urgent') ?? 0) : null,
      };
    },
    predictUrgent(text: string): number | null {
      return urgent ? (urgent.probabilities(space.vector(text)).get('urgent') ?? 0) : null;
    },
  };
}

/** The training material split for honest evaluation: TRAIN and DEV messages, and the knowledge base's phrasings (TRAIN only). */
export function intakeTrainingMaterial(): { train: IntakeExample[]; dev: IntakeExample[]; knowledge: IntakeExample[] } {
  return { ...splitTrainDev(readIntakeExamples(trainingFiles())), knowledge: knowledgeExamples() };
}

let shipped: { model: IntakeModel | null; ms: number; examples: number } | null = null;

/** Everything the shipped model learns from: TRAIN and DEV messages, the knowledge base's phrasings and any further examples. */
export function shippedTrainingExamples(extra: readonly IntakeExample[] = []): IntakeExample[] {
  const { train, dev, knowledge } = intakeTrainingMaterial();
  return [...train, ...dev, ...knowledge, ...extra];
}

/**
 * Trains the model the intake chain uses from all the training material in
 * the repository (TRAIN and DEV messages and the knowledge base's phrasings;
 * the chain's weights were chosen on DEV with a TRAIN-only model) plus any
 * further labelled examples, such as dispatchers' corrections, and makes it
 * the one the chain uses from now on. On this thread: see
 * retrainIntakeModelInWorker for the one that leaves it free.
 */
export function retrainIntakeModel(extra: readonly IntakeExample[] = []): IntakeModel {
  const started = performance.now();
  const examples = shippedTrainingExamples(extra);
  const model = trainIntakeModel(examples);
  shipped = { model, ms: performance.now() - started, examples: examples.length };
  return model;
}

interface WorkerReply {
  parts: IntakeModelParts;
  examples: number;
}

/** A training on a worker thread not yet adopted: its reply port, and a flag the worker raises once it has posted. */
let inFlight: { port: MessagePort; posted: Int32Array; adopt: (reply: WorkerReply) => IntakeModel; fail: () => IntakeModel } | null = null;

/**
 * The same training on a worker thread: the server starts it first thing
 * and opens its database and search meanwhile, and the nightly retraining
 * does not hold up requests for the second or two training takes. The
 * trained arrays come back without copying. Until it is done the previous
 * model answers; when there is none yet, the first message that needs one
 * waits for the worker (shippedIntakeModel). Should the worker fail, the
 * model is trained on this thread instead.
 */
export function retrainIntakeModelInWorker(extra: readonly IntakeExample[] = []): Promise<IntakeModel> {
  return new Promise((resolve) => {
    const posted = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const started = performance.now();
    const settle = (model: IntakeModel) => {
      port1.close();
      resolve(model);
      return model;
    };
    const job = {
      port: port1,
      posted,
      adopt: (reply: WorkerReply) => {
        if (inFlight === job) inFlight = null;
        const model = intakeModelOf(reply.parts);
        shipped = { model, ms: performance.now() - started, examples: reply.examples };
        return settle(model);
      },
      fail: () => {
        if (inFlight === job) inFlight = null;
        return settle(retrainIntakeModel(extra));
      },
    };
    inFlight = job;
    port1.once('message', (reply: WorkerReply) => job.adopt(reply));
    const worker = new Worker(new URL('./intake-model-worker.ts', import.meta.url), { workerData: { extra, posted, port: port2 }, transferList: [port2] });
    worker.once('error', () => inFlight === job && job.fail());
    worker.once('exit', (code) => code !== 0 && inFlight === job && job.fail());
  });
}

/**
 * The model the intake chain uses unless told otherwise: trained once per
 * process, on first use. Training at start instead of shipping weights means
 * the model can never be older than its data.
 */
export function shippedIntakeModel(): IntakeModel | null {
  if (shipped) return shipped.model;
  if (inFlight) {
    // A worker is training the first model: wait for it rather than train a second one here.
    const job = inFlight;
    Atomics.wait(job.posted, 0, 0, 60_000);
    const reply = receiveMessageOnPort(job.port);
    return reply ? job.adopt(reply.message as WorkerReply) : job.fail();
  }
  return retrainIntakeModel();
}

/** Replaces the model the chain uses by default; null drafts by rules alone (benchmarks, comparisons). */
export function useIntakeModel(model: IntakeModel | null): void {
  shipped = { model, ms: 0, examples: 0 };
}

/** How long the shipped model took to read and train, for start-up logs and the README. */
export function shippedIntakeModelStats(): { ms: number; examples: number } | null {
  return shipped ? { ms: shipped.ms, examples: shipped.examples } : null;
}
