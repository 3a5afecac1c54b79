// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone. Fitted on 1981 TRAIN searches, thresholds chosen on 948 DEV searches.
import type { ConfidenceModel } from './confidence.ts';

export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.46837, 0.3375, 0.38851, 0.29591, 0.01377, 0.36561, 0.51838, 2.80098, 0.5891, 0.52618, 0.24693, 0.11055, 0.54558, 0.49761, 0.67437, 0.06163],
  scale: [0.27662, 0.25768, 0.27572, 0.24254, 0.03183, 0.25684, 0.2181, 0.54278, 1.43328, 0.2722, 0.30685, 0.31357, 0.35833, 0.38498, 0.79193, 0.1797],
  weights: [0.44059, 0.61741, -0.73421, 0.09586, 0.19735, 0.74995, 0.40408, 1.03024, -0.03587, 0.11501, 0.02791, 0.27982, -0.17904, 0.13648, 0.09818, -0.90743],
  bias: 1.55661,
  thresholds: [
    { precision: 0.9, threshold: 0.772 },
    { precision: 0.93, threshold: 0.772 },
    { precision: 0.95, threshold: 0.772 },
    { precision: 0.97, threshold: 0.772 },
    { precision: 0.98, threshold: 0.773 },
    { precision: 0.99, threshold: 0.91 },
  ],
};
