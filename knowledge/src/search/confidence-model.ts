// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone, amountNotGiven, asksChoice, elsewhereNotSpoken.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 3057 TRAIN searches, thresholds chosen on 1729 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.44498, 0.32889, 0.37223, 0.25794, 0.01411, 0.32286, 0.54916, 2.92984, 0.67059, 0.51785, 0.23269, 0.09486, 0.54409, 0.50382, 0.56767, 0.08221, 0.03664, 0.0157, 0.02126],
  scale: [0.27405, 0.2518, 0.27498, 0.23234, 0.03047, 0.24781, 0.2124, 0.58502, 1.5522, 0.27954, 0.31686, 0.29303, 0.36499, 0.38671, 0.81304, 0.20454, 0.18787, 0.12432, 0.14426],
  weights: [0.44562, 0.4992, -0.39682, -0.03794, 0.10624, 0.56583, 0.23775, 0.74254, -0.32678, 0.00529, -0.08565, 0.15538, 0.12521, 0.13074, -0.09566, -1.06129, -0.29515, -0.4044, -0.20492],
  bias: 0.90251,
  calibration: { slope: 1.20949, intercept: 0.63275 },
  thresholds: [
    { precision: 0.9, threshold: 0.936 },
    { precision: 0.93, threshold: 0.936 },
    { precision: 0.95, threshold: 0.936 },
    { precision: 0.97, threshold: 0.936 },
    { precision: 0.98, threshold: 0.936 },
    { precision: 0.99, threshold: 0.964 },
  ],
};

/** First hits it did not learn: fitted on 3057 TRAIN searches, thresholds chosen on 1729 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.40878, 0.28326, 0.43342, 0.26334, 0.01196, 0.3262, 0.54916, 2.92984, 0.7419, 0.53235, 0.24133, 0.10402, 0.46981, 0.41199, 0.83569, 0.01251, 0.03664, 0.0157, 0.0229],
  scale: [0.26703, 0.24807, 0.28789, 0.22921, 0.02861, 0.24587, 0.2124, 0.58502, 1.57335, 0.26749, 0.2993, 0.30529, 0.34129, 0.36584, 0.74307, 0.10473, 0.18787, 0.12432, 0.14958],
  weights: [0.51859, 0.69758, -0.49319, 0.38922, 0.21772, 0.94324, 0.3819, 0.65082, -0.12536, 0.28996, -0.03356, 0.19021, -0.50858, -0.38596, -0.07513, -0.2695, -0.44792, -0.44297, -0.2263],
  bias: 0.37609,
  calibration: { slope: 1.26342, intercept: 0.78531 },
  thresholds: [
    { precision: 0.9, threshold: 0.915 },
    { precision: 0.93, threshold: 0.915 },
    { precision: 0.95, threshold: 0.915 },
    { precision: 0.97, threshold: 0.915 },
    { precision: 0.98, threshold: 0.931 },
    { precision: 0.99, threshold: 0.969 },
  ],
};
