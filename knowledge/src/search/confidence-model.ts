// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly. Fitted on 875 TRAIN searches, thresholds chosen on 245 DEV searches.
import type { ConfidenceModel } from './confidence.ts';

export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.4659, 0.20745, 0.60371, 0.36014, 0.01276, 0.4484, 0.47155, 2.58665, 0.48457, 0.5437, 0.26701, 0.10514],
  scale: [0.2566, 0.18684, 0.2292, 0.25854, 0.03369, 0.27612, 0.23397, 0.49037, 1.11332, 0.27144, 0.31001, 0.30674],
  weights: [0.98797, 0.64945, -0.40413, -0.00017, 0.15688, 0.69051, 0.72007, 1.26845, -0.37472, 0.72859, -0.01827, -0.15713],
  bias: 1.53997,
  thresholds: [
    { precision: 0.9, threshold: 0.828 },
    { precision: 0.93, threshold: 0.828 },
    { precision: 0.95, threshold: 0.828 },
    { precision: 0.97, threshold: 0.828 },
    { precision: 0.98, threshold: 0.828 },
    { precision: 0.99, threshold: 0.88 },
  ],
};
