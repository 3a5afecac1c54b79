// The worker thread of trainedSoftmax: trains on the material it is given
// and posts the arrays back, moved, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import { type PhrasedEntry, type SoftmaxExample, trainSoftmax } from './entry-softmax.ts';

const { entries, examples } = workerData as { entries: PhrasedEntry[]; examples: SoftmaxExample[] };
const parts = trainSoftmax(entries, examples);
parentPort!.postMessage(parts, [parts.weights.buffer as ArrayBuffer, parts.bias.buffer as ArrayBuffer]);
