// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone, amountNotGiven, asksChoice, elsewhereNotSpoken.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 3060 TRAIN searches, thresholds chosen on 1730 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.44491, 0.32891, 0.37154, 0.25828, 0.01405, 0.32313, 0.54925, 2.92932, 0.66536, 0.51868, 0.23622, 0.09477, 0.5437, 0.50329, 0.56427, 0.08187, 0.03562, 0.01536, 0.02092],
  scale: [0.27399, 0.25163, 0.27282, 0.2322, 0.03044, 0.24741, 0.21237, 0.58523, 1.54426, 0.27888, 0.31631, 0.2929, 0.36481, 0.38657, 0.81684, 0.20363, 0.18534, 0.12298, 0.1431],
  weights: [0.44911, 0.48205, -0.43352, -0.03818, 0.13288, 0.55725, 0.22557, 0.71093, -0.313, 0.00878, -0.06987, 0.16906, 0.14498, 0.11063, -0.12075, -1.01108, -0.31388, -0.40111, -0.21236],
  bias: 0.91519,
  calibration: { slope: 1.20319, intercept: 0.64374 },
  thresholds: [
    { precision: 0.9, threshold: 0.937 },
    { precision: 0.93, threshold: 0.937 },
    { precision: 0.95, threshold: 0.937 },
    { precision: 0.97, threshold: 0.937 },
    { precision: 0.98, threshold: 0.937 },
    { precision: 0.99, threshold: 0.964 },
  ],
};

/** First hits it did not learn: fitted on 3060 TRAIN searches, thresholds chosen on 1730 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.40895, 0.28345, 0.43317, 0.26336, 0.01198, 0.32615, 0.54925, 2.92932, 0.74118, 0.53241, 0.24138, 0.10392, 0.47011, 0.41233, 0.8364, 0.0125, 0.03529, 0.01536, 0.0219],
  scale: [0.26701, 0.24807, 0.28786, 0.22916, 0.02863, 0.24577, 0.21237, 0.58523, 1.57275, 0.26743, 0.29923, 0.30516, 0.34133, 0.36589, 0.74347, 0.10468, 0.18452, 0.12298, 0.14634],
  weights: [0.51633, 0.69831, -0.49749, 0.39382, 0.22012, 0.93906, 0.38473, 0.64294, -0.12488, 0.29538, -0.03632, 0.18949, -0.51771, -0.38613, -0.07635, -0.27068, -0.45448, -0.43531, -0.21654],
  bias: 0.37669,
  calibration: { slope: 1.25626, intercept: 0.7815 },
  thresholds: [
    { precision: 0.9, threshold: 0.914 },
    { precision: 0.93, threshold: 0.914 },
    { precision: 0.95, threshold: 0.914 },
    { precision: 0.97, threshold: 0.914 },
    { precision: 0.98, threshold: 0.93 },
    { precision: 0.99, threshold: 0.969 },
  ],
};
