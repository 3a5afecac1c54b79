// The worker thread of retrainIntakeModelInWorker: trains on the repository's
// material plus the examples it is given and posts the arrays back, moved,
// not copied; then raises the flag a thread blocked in shippedIntakeModel waits on.
import { type MessagePort, workerData } from 'node:worker_threads';
import { type IntakeExample, shippedTrainingExamples, trainIntakeParts } from './intake-model.ts';

const { extra, posted, port } = workerData as { extra: IntakeExample[]; posted: Int32Array; port: MessagePort };
const examples = shippedTrainingExamples(extra);
const parts = trainIntakeParts(examples);
const moved = [parts.features.buffer, ...Object.values(parts.heads).flatMap((h) => (h ? [h.model.weights.buffer, h.model.bias.buffer] : []))];
port.postMessage({ parts, examples: examples.length }, moved as ArrayBuffer[]);
Atomics.store(posted, 0, 1);
Atomics.notify(posted, 0);
port.close();
