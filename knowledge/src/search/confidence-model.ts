// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 1968 TRAIN searches, thresholds chosen on 948 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.46884, 0.33808, 0.3879, 0.29571, 0.0137, 0.36549, 0.51856, 2.80274, 0.58841, 0.52527, 0.24546, 0.11128, 0.54675, 0.49906, 0.67583, 0.06195],
  scale: [0.27662, 0.25777, 0.27591, 0.24246, 0.03169, 0.25663, 0.21781, 0.54328, 1.43324, 0.2717, 0.30587, 0.31448, 0.35828, 0.38485, 0.7911, 0.18024],
  weights: [0.43023, 0.61793, -0.73571, 0.08421, 0.18726, 0.75807, 0.3881, 1.04967, -0.03855, 0.10105, 0.01443, 0.28538, -0.17997, 0.15265, 0.13009, -0.8904],
  bias: 1.56625,
  thresholds: [
    { precision: 0.9, threshold: 0.77 },
    { precision: 0.93, threshold: 0.77 },
    { precision: 0.95, threshold: 0.77 },
    { precision: 0.97, threshold: 0.77 },
    { precision: 0.98, threshold: 0.771 },
    { precision: 0.99, threshold: 0.914 },
  ],
};

/** First hits it did not learn: fitted on 1994 TRAIN searches, thresholds chosen on 948 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.4519, 0.3139, 0.4212, 0.30049, 0.01207, 0.3696, 0.5182, 2.79923, 0.60732, 0.5353, 0.24884, 0.11886, 0.51014, 0.44897, 0.88923, 0.01082],
  scale: [0.26976, 0.25468, 0.28338, 0.24028, 0.03036, 0.25535, 0.21838, 0.54228, 1.42719, 0.26317, 0.29687, 0.32362, 0.34146, 0.37221, 0.75146, 0.09705],
  weights: [0.6431, 0.80404, -0.56902, 0.50296, 0.27872, 0.93293, 0.48842, 0.9803, -0.13225, 0.34119, 0.12548, 0.20035, -0.56635, -0.46188, 0.10546, -0.27237],
  bias: 0.99674,
  thresholds: [
    { precision: 0.9, threshold: 0.803 },
    { precision: 0.93, threshold: 0.803 },
    { precision: 0.95, threshold: 0.803 },
    { precision: 0.97, threshold: 0.803 },
    { precision: 0.98, threshold: 0.853 },
    { precision: 0.99, threshold: 0.871 },
  ],
};
