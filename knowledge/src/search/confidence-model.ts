// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 2070 TRAIN searches, thresholds chosen on 1041 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.46907, 0.34005, 0.38087, 0.29084, 0.0134, 0.36141, 0.52214, 2.81684, 0.59034, 0.52674, 0.24642, 0.10676, 0.55284, 0.50661, 0.6737, 0.06193],
  scale: [0.27526, 0.25506, 0.27101, 0.24156, 0.03093, 0.25532, 0.21661, 0.54644, 1.45041, 0.27173, 0.3051, 0.30881, 0.35803, 0.38345, 0.79347, 0.17839],
  weights: [0.38696, 0.62224, -0.68238, 0.07205, 0.18338, 0.70685, 0.28854, 1.04111, -0.11536, 0.06897, 0.05512, 0.24317, -0.14644, 0.09918, 0.1284, -0.9567],
  bias: 1.50572,
  thresholds: [
    { precision: 0.9, threshold: 0.867 },
    { precision: 0.93, threshold: 0.867 },
    { precision: 0.95, threshold: 0.867 },
    { precision: 0.97, threshold: 0.867 },
    { precision: 0.98, threshold: 0.867 },
    { precision: 0.99, threshold: 0.917 },
  ],
};

/** First hits it did not learn: fitted on 2090 TRAIN searches, thresholds chosen on 1041 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.44585, 0.30857, 0.42468, 0.29558, 0.01184, 0.36429, 0.52191, 2.81543, 0.62584, 0.53374, 0.24478, 0.11627, 0.50368, 0.44236, 0.88153, 0.01108],
  scale: [0.26911, 0.25344, 0.28521, 0.23889, 0.02973, 0.25368, 0.2165, 0.54517, 1.44424, 0.26132, 0.29482, 0.32055, 0.34089, 0.37109, 0.74857, 0.0978],
  weights: [0.63893, 0.78262, -0.58648, 0.47326, 0.26895, 0.93447, 0.43236, 1.00257, -0.10857, 0.34582, 0.0992, 0.20492, -0.5347, -0.47348, 0.10525, -0.26357],
  bias: 0.94469,
  thresholds: [
    { precision: 0.9, threshold: 0.733 },
    { precision: 0.93, threshold: 0.733 },
    { precision: 0.95, threshold: 0.733 },
    { precision: 0.97, threshold: 0.733 },
    { precision: 0.98, threshold: 0.847 },
    { precision: 0.99, threshold: 0.866 },
  ],
};
