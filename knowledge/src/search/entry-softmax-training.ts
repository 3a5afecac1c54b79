import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readContentFiles } from '../content/files.ts';
import { parseEntryLines } from '../content/jsonl.ts';
import type { LabelledQuestion } from './entry-classifier.ts';
import { type PhrasedEntry, SOFTMAX, type SoftmaxExample, type SoftmaxParts, softmaxExamples } from './entry-softmax.ts';
import { kbTrainingMaterial } from './kb-training.ts';

/** Bumped when the model's form or features change: a cached model of another form is not read. */
const FORMAT = 1;
const CACHE_DIR = new URL('../../../node_modules/.cache/hotline12345/', import.meta.url);
/** How many trained models the disk cache keeps (the shipped one is read at every start). */
const KEPT_ON_DISK = 6;

/** What a model learns from, and its digest: the same digest, the same model. */
export function softmaxMaterial(entries: readonly PhrasedEntry[], questions: readonly LabelledQuestion[]): { entries: PhrasedEntry[]; examples: SoftmaxExample[]; digest: string } {
  // By id: the database lists its entries in another order than the content files, and the same entries must give the same digest.
  const phrased = entries
    .map(({ id, question, alternates, keywords }) => ({ id, question, alternates: [...alternates], keywords: [...keywords] }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const examples = softmaxExamples(phrased, questions);
  const digest = createHash('sha256').update(JSON.stringify({ FORMAT, SOFTMAX, phrased, examples })).digest('hex').slice(0, 24);
  return { entries: phrased, examples, digest };
}

/** The parts as one buffer: header length, JSON header (padded to 4 bytes), weights, bias. */
export function encodeSoftmax(parts: SoftmaxParts): Buffer {
  const json = Buffer.from(JSON.stringify({ classes: parts.classes, phrasings: parts.phrasings, features: parts.features }));
  const padded = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(padded.length);
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([length, padded, bytes(parts.weights), bytes(parts.bias)]);
}

export function decodeSoftmax(buffer: Buffer): SoftmaxParts {
  const length = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8')) as Pick<SoftmaxParts, 'classes' | 'phrasings' | 'features'>;
  const K = header.classes.length;
  const F = header.features.length;
  const at = 4 + length;
  if (buffer.length !== at + 4 * (F * K + K)) throw new Error('entry-softmax cache: wrong size');
  // A view on the file's bytes where they are aligned (a file read whole is), a copy where not.
  const floats = (from: number, n: number) => {
    const offset = buffer.byteOffset + from;
    if (offset % 4 === 0) return new Float32Array(buffer.buffer, offset, n);
    const out = new Float32Array(n);
    Buffer.from(out.buffer).set(buffer.subarray(from, from + 4 * n));
    return out;
  };
  return { ...header, weights: floats(at, F * K), bias: floats(at + 4 * F * K, K) };
}

/** Read without blocking: at start-up the server has its database and search to open meanwhile. */
async function readCache(digest: string): Promise<SoftmaxParts | null> {
  try {
    const file = new URL(`entry-softmax-${digest}.bin`, CACHE_DIR);
    const parts = decodeSoftmax(await readFile(file));
    // Used now: the newest files are those kept (writeCache).
    const now = new Date();
    await utimes(file, now, now);
    return parts;
  } catch {
    return null;
  }
}

async function writeCache(digest: string, parts: SoftmaxParts): Promise<void> {
  try {
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside and renamed: a process reading meanwhile sees the whole file or none.
    const aside = new URL(`entry-softmax-${digest}.${process.pid}.${Date.now()}.tmp`, CACHE_DIR);
    await writeFile(aside, encodeSoftmax(parts));
    await rename(aside, new URL(`entry-softmax-${digest}.bin`, CACHE_DIR));
    // Every edit of the knowledge base trains a model of its own (about 33 MB): the newest few stay.
    const files = await Promise.all(
      (await readdir(CACHE_DIR)).filter((f) => /^entry-softmax-.*\.bin$/.test(f)).map(async (f) => ({ f, at: (await stat(new URL(f, CACHE_DIR))).mtimeMs })),
    );
    files.sort((a, b) => b.at - a.at);
    for (const { f } of files.slice(KEPT_ON_DISK)) await rm(new URL(f, CACHE_DIR), { force: true });
  } catch {
    // A read-only install trains again at the next start: nothing is lost.
  }
}

/** Trained models by digest (the last few) and the training under way, if any. */
const trained = new Map<string, Promise<SoftmaxParts | null>>();
const readyParts = new Map<string, SoftmaxParts>();
let latest: SoftmaxParts | null = null;
let running: Promise<unknown> = Promise.resolve();

function trainOnWorker(entries: PhrasedEntry[], examples: SoftmaxExample[]): Promise<SoftmaxParts | null> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./entry-softmax-worker.ts', import.meta.url), { workerData: { entries, examples } });
    worker.once('message', (parts: SoftmaxParts) => resolve(parts));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}

/**
 * The entry-softmax model for these entries and labelled questions: `ready`
 * when this process has one trained from the same material, and `done` when
 * it will (from the disk cache, where a process before it left one, or trained). Training runs on a worker
 * thread, one at a time (about three seconds of one core on this machine);
 * a training asked for while another runs waits for it, and only the last
 * one asked for meanwhile is trained. Null when training failed: the answer
 * gate then goes without the model (confidence.ts LEARNT_BASE).
 */
export function trainedSoftmax(entries: readonly PhrasedEntry[], questions: readonly LabelledQuestion[]): { ready: SoftmaxParts | null; done: Promise<SoftmaxParts | null> } {
  const material = softmaxMaterial(entries, questions);
  const { digest } = material;
  // Only entries learnt from citizens' questions take part (kb-search.ts): with none, nothing to train.
  if (material.examples.length === softmaxExamples(material.entries, []).length) return { ready: null, done: Promise.resolve(null) };
  const known = trained.get(digest);
  if (known) return { ready: readyParts.get(digest) ?? null, done: known };
  const done = readCache(digest).then((cached) => {
    if (!cached) return train(digest, material.entries, material.examples);
    remember(digest, cached);
    return cached;
  });
  trained.set(digest, done);
  return { ready: null, done };
}

/** One training at a time, on a worker; one asked for meanwhile waits, and only the last one asked for is trained. */
function train(digest: string, entries: PhrasedEntry[], examples: SoftmaxExample[]): Promise<SoftmaxParts | null> {
  lastWanted = digest;
  const done = running.then(async () => {
    // Superseded while waiting its turn: the snapshot that asked is gone too.
    if (lastWanted !== digest) {
      trained.delete(digest);
      return null;
    }
    const parts = await trainOnWorker(entries, examples).catch(() => null);
    if (parts) {
      remember(digest, parts);
      await writeCache(digest, parts);
    } else trained.delete(digest);
    return parts;
  });
  running = done;
  return done;
}

let lastWanted = '';

function remember(digest: string, parts: SoftmaxParts): void {
  trained.set(digest, Promise.resolve(parts));
  readyParts.set(digest, parts);
  latest = parts;
  // A few models at most in memory (about 33 MB each): the current one and those just before.
  for (const key of readyParts.keys()) {
    if (readyParts.size <= 3) break;
    readyParts.delete(key);
    trained.delete(key);
  }
}

/** The most recently trained model, whatever it learnt from (for what cannot wait: a knowledge editor's preview). */
export function latestSoftmax(): SoftmaxParts | null {
  return latest;
}

/**
 * The model of the shipped knowledge base and training split: what a server
 * starting on the shipped data needs first, so it starts this first thing,
 * beside its database and search server.
 */
export function shippedSoftmax(): Promise<SoftmaxParts | null> {
  return trainedSoftmax(parseEntryLines(readContentFiles().entries).entries, kbTrainingMaterial()).done;
}
