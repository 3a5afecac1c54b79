// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 2383 TRAIN searches, thresholds chosen on 1268 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.46521, 0.34046, 0.37306, 0.28298, 0.01345, 0.35254, 0.52767, 2.84917, 0.57574, 0.53007, 0.24651, 0.10029, 0.55548, 0.5122, 0.65631, 0.06742],
  scale: [0.27375, 0.25385, 0.27333, 0.24137, 0.03034, 0.25573, 0.21618, 0.55232, 1.42663, 0.27614, 0.31718, 0.30039, 0.35925, 0.38328, 0.79945, 0.19269],
  weights: [0.41662, 0.72676, -0.52183, 0.13826, 0.1262, 0.73281, 0.29887, 1.0842, -0.13561, 0.01897, 0.02203, 0.12921, -0.108, 0.12712, 0.06103, -0.96495],
  bias: 1.50374,
  calibration: { slope: 1.26615, intercept: 0.39408 },
  thresholds: [
    { precision: 0.9, threshold: 0.951 },
    { precision: 0.93, threshold: 0.951 },
    { precision: 0.95, threshold: 0.951 },
    { precision: 0.97, threshold: 0.951 },
    { precision: 0.98, threshold: 0.951 },
    { precision: 0.99, threshold: 0.972 },
  ],
};

/** First hits it did not learn: fitted on 2391 TRAIN searches, thresholds chosen on 1268 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.43522, 0.30241, 0.42445, 0.28793, 0.01167, 0.35605, 0.52741, 2.84958, 0.64199, 0.54089, 0.2525, 0.10832, 0.49305, 0.43401, 0.87003, 0.01101],
  scale: [0.26929, 0.25283, 0.28558, 0.23855, 0.02871, 0.25402, 0.21601, 0.55178, 1.46327, 0.26585, 0.30143, 0.31079, 0.34079, 0.36915, 0.74078, 0.09752],
  weights: [0.64203, 0.76952, -0.56759, 0.56131, 0.25445, 0.99072, 0.42248, 1.05795, -0.09891, 0.28233, 0.06422, 0.20444, -0.53415, -0.47091, 0.06184, -0.27409],
  bias: 0.8931,
  calibration: { slope: 1.23599, intercept: 0.58838 },
  thresholds: [
    { precision: 0.9, threshold: 0.929 },
    { precision: 0.93, threshold: 0.929 },
    { precision: 0.95, threshold: 0.929 },
    { precision: 0.97, threshold: 0.929 },
    { precision: 0.98, threshold: 0.929 },
    { precision: 0.99, threshold: 0.947 },
  ],
};
