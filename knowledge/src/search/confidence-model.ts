// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone, amountNotGiven, asksChoice, elsewhereNotSpoken.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 3060 TRAIN searches, thresholds chosen on 1730 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.44491, 0.32891, 0.37154, 0.25828, 0.01405, 0.32313, 0.54925, 2.92932, 0.66536, 0.51868, 0.23622, 0.09477, 0.5437, 0.50329, 0.56427, 0.08187, 0.03693, 0.01569, 0.02092],
  scale: [0.27399, 0.25163, 0.27282, 0.2322, 0.03044, 0.24741, 0.21237, 0.58523, 1.54426, 0.27888, 0.31631, 0.2929, 0.36481, 0.38657, 0.81684, 0.20363, 0.18859, 0.12426, 0.1431],
  weights: [0.44856, 0.48403, -0.43153, -0.0374, 0.13123, 0.55803, 0.22562, 0.71139, -0.3109, 0.00788, -0.06882, 0.16869, 0.144, 0.11091, -0.11863, -1.01012, -0.30698, -0.40533, -0.2123],
  bias: 0.91621,
  calibration: { slope: 1.20868, intercept: 0.6466 },
  thresholds: [
    { precision: 0.9, threshold: 0.938 },
    { precision: 0.93, threshold: 0.938 },
    { precision: 0.95, threshold: 0.938 },
    { precision: 0.97, threshold: 0.938 },
    { precision: 0.98, threshold: 0.938 },
    { precision: 0.99, threshold: 0.964 },
  ],
};

/** First hits it did not learn: fitted on 3060 TRAIN searches, thresholds chosen on 1730 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.40895, 0.28345, 0.43317, 0.26336, 0.01198, 0.32615, 0.54925, 2.92932, 0.74118, 0.53241, 0.24138, 0.10392, 0.47011, 0.41233, 0.8364, 0.0125, 0.0366, 0.01569, 0.02288],
  scale: [0.26701, 0.24807, 0.28786, 0.22916, 0.02863, 0.24577, 0.21237, 0.58523, 1.57275, 0.26743, 0.29923, 0.30516, 0.34133, 0.36589, 0.74347, 0.10468, 0.18778, 0.12426, 0.14951],
  weights: [0.51814, 0.69867, -0.49456, 0.3916, 0.21821, 0.94043, 0.38393, 0.64808, -0.12448, 0.29114, -0.03409, 0.18914, -0.51073, -0.38601, -0.07307, -0.26972, -0.4479, -0.44304, -0.22627],
  bias: 0.37807,
  calibration: { slope: 1.26325, intercept: 0.78551 },
  thresholds: [
    { precision: 0.9, threshold: 0.915 },
    { precision: 0.93, threshold: 0.915 },
    { precision: 0.95, threshold: 0.915 },
    { precision: 0.97, threshold: 0.915 },
    { precision: 0.98, threshold: 0.931 },
    { precision: 0.99, threshold: 0.98 },
  ],
};
