// Written by `npm run fit:kb-confidence` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: top, lead, ratio, askedChars, answerOnly, words, unknown, length, ties, phrasing, phrasingLead, pinyinOnly, classifier, classifierLead, classifierFit, classifierNone, amountNotGiven, asksChoice.
import type { ConfidenceModel } from './confidence.ts';

/** First hits the entry classifier learnt: fitted on 2689 TRAIN searches, thresholds chosen on 1479 DEV searches. */
export const CONFIDENCE_MODEL: ConfidenceModel = {
  mean: [0.43848, 0.32073, 0.38769, 0.26234, 0.0134, 0.32876, 0.54453, 2.91883, 0.74154, 0.51757, 0.2347, 0.0926, 0.52693, 0.4865, 0.54322, 0.08252, 0.03644, 0.01673],
  scale: [0.27727, 0.25409, 0.2809, 0.23623, 0.0294, 0.25235, 0.21469, 0.57547, 1.62004, 0.2769, 0.31549, 0.28987, 0.36712, 0.38665, 0.81437, 0.20725, 0.18739, 0.12828],
  weights: [0.37096, 0.6424, -0.48856, 0.04162, 0.12422, 0.63962, 0.26494, 0.7421, -0.22835, 0.02939, -0.1121, 0.13083, -0.04118, 0.16987, 0.01964, -0.9965, -0.28154, -0.49144],
  bias: 0.90717,
  calibration: { slope: 1.26831, intercept: 0.65966 },
  thresholds: [
    { precision: 0.9, threshold: 0.943 },
    { precision: 0.93, threshold: 0.943 },
    { precision: 0.95, threshold: 0.943 },
    { precision: 0.97, threshold: 0.943 },
    { precision: 0.98, threshold: 0.943 },
    { precision: 0.99, threshold: 0.965 },
  ],
};

/** First hits it did not learn: fitted on 2689 TRAIN searches, thresholds chosen on 1479 DEV searches. */
export const CONFIDENCE_MODEL_UNLEARNT: ConfidenceModel = {
  mean: [0.40915, 0.28175, 0.4419, 0.26727, 0.01151, 0.33223, 0.54453, 2.91883, 0.7791, 0.52992, 0.24027, 0.10264, 0.46596, 0.40706, 0.82763, 0.01182, 0.03644, 0.01673],
  scale: [0.26967, 0.25033, 0.29075, 0.2335, 0.02787, 0.25065, 0.21469, 0.57547, 1.61007, 0.26668, 0.29995, 0.30349, 0.34224, 0.36756, 0.73986, 0.10137, 0.18739, 0.12828],
  weights: [0.5533, 0.74462, -0.47916, 0.46245, 0.24309, 0.98798, 0.42716, 0.70213, -0.14076, 0.24604, 0.01853, 0.1615, -0.53488, -0.40029, 0.00441, -0.28461, -0.43847, -0.4591],
  bias: 0.41452,
  calibration: { slope: 1.2943, intercept: 0.75563 },
  thresholds: [
    { precision: 0.9, threshold: 0.89 },
    { precision: 0.93, threshold: 0.89 },
    { precision: 0.95, threshold: 0.89 },
    { precision: 0.97, threshold: 0.89 },
    { precision: 0.98, threshold: 0.915 },
    { precision: 0.99, threshold: 0.942 },
  ],
};
