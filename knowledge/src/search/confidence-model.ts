// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 2192 TRAIN searches, thresholds chosen on 1128 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.46922, 0.34128, 0.37759, 0.28877, 0.01352, 0.35952, 0.52185, 2.82317, 0.57254, 0.52623, 0.24214, 0.10265, 0.55573, 0.51018, 0.67089, 0.06673],
  scale: [0.27442, 0.25481, 0.27164, 0.24229, 0.03059, 0.2555, 0.21658, 0.54534, 1.42297, 0.27187, 0.31176, 0.3035, 0.35878, 0.38471, 0.79917, 0.18633],
  weights: [0.39303, 0.63081, -0.62699, 0.12409, 0.17806, 0.66071, 0.27583, 1.00977, -0.12475, 0.06619, -0.01144, 0.1747, -0.12645, 0.13346, 0.10851, -1.00125],
  bias: 1.51324,
  thresholds: [
    { precision: 0.9, threshold: 0.897 },
    { precision: 0.93, threshold: 0.897 },
    { precision: 0.95, threshold: 0.897 },
    { precision: 0.97, threshold: 0.897 },
    { precision: 0.98, threshold: 0.897 },
    { precision: 0.99, threshold: 0.923 },
  ],
};

/** First hits it did not learn: fitted on 2208 TRAIN searches, thresholds chosen on 1128 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.44178, 0.30516, 0.42618, 0.29331, 0.01187, 0.36208, 0.52179, 2.82233, 0.62364, 0.53605, 0.24578, 0.11141, 0.49873, 0.43765, 0.87154, 0.01106],
  scale: [0.26872, 0.25279, 0.28455, 0.23957, 0.02937, 0.254, 0.21664, 0.54448, 1.43996, 0.26163, 0.29671, 0.31464, 0.34028, 0.3699, 0.74756, 0.09765],
  weights: [0.6442, 0.76761, -0.57638, 0.51966, 0.26179, 0.97458, 0.45443, 1.03909, -0.11585, 0.29146, 0.06987, 0.18489, -0.53706, -0.47377, 0.08967, -0.26151],
  bias: 0.90236,
  thresholds: [
    { precision: 0.9, threshold: 0.797 },
    { precision: 0.93, threshold: 0.797 },
    { precision: 0.95, threshold: 0.797 },
    { precision: 0.97, threshold: 0.797 },
    { precision: 0.98, threshold: 0.832 },
    { precision: 0.99, threshold: 0.855 },
  ],
};
