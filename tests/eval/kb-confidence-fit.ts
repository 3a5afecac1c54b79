// npm run fit:kb-confidence: refits the calibrated confidence of direct
// answers (knowledge/src/search/confidence.ts) and rewrites
// knowledge/src/search/confidence-model.ts. The logistic model learns from
// TRAIN (the first set and kb-train) whether the first hit is right; the
// thresholds for each target precision are chosen on DEV (kb-dev). TEST is
// never read here.
import { writeFileSync } from 'node:fs';
import { KnowledgeCorpus, type LabelledQuestion, searchKnowledge } from '@hotline/knowledge';
import { localDayOf } from '../../api/src/domain/calendar/local-time.ts';
import { trainSoftmax } from '../../knowledge/src/search/entry-softmax.ts';
import { softmaxMaterial } from '../../knowledge/src/search/entry-softmax-training.ts';
import {
  BASE_FEATURES,
  CONFIDENCE,
  CONFIDENCE_FEATURES,
  type ConfidenceModel,
  chooseThreshold,
  featureVector,
  fitCalibration,
  fitLogistic,
  logOdds,
  probabilityRight,
  refusalThreshold,
} from '../../knowledge/src/search/confidence.ts';
import { fitBoostedTrees } from '../../knowledge/src/search/boosted-trees.ts';
import { type KbQuery, openKnowledgeFixture, readKbQueries } from './kb-fixture.ts';

/** The settings an office may choose from; the README's curve shows what each gives. */
const PRECISIONS = [0.9, 0.93, 0.95, 0.97, 0.98, 0.99];
/**
 * Whatever the setting, at least this share of DEV's questions no entry
 * answers gets no confident answer. Issue 12 asks for 95% on questions
 * nobody has seen; DEV holds about 540 of them, and a new set scatters by
 * ±2: two points of margin above the target. (It was one point until the
 * entry-softmax model, which learns "no entry answers this" from TRAIN's
 * unanswerable questions, whose writers also wrote DEV's: at 0.96 its first
 * version refused 96.1 % of DEV's and 95.1 % of TEST's, README.)
 */
const REFUSED = 0.97;
/**
 * Questions no entry answers are few in TRAIN (one in six) and unlike a
 * first hit ranked wrong; they count this many times in the fit, so that the
 * model learns what sets them apart, not only the ranking's mistakes. The
 * skew this gives the raw probability is undone by Platt scaling on DEV.
 * Heavier weights buy DEV confident-right at the same refusal floor (learnt
 * entries: 1 → 62.1%, 3 → 64.4%, 6 → 68.3%, 10 → 70.1%, 20 → 65.8%), but
 * DEV's unanswerable questions share writers with TRAIN's: at 10, TEST's
 * (written apart) were refused less (96.2% → 94.2%, under issue 12's 95%),
 * so the fit stays at 3 until there are unanswerable questions from more
 * hands (README).
 */
const UNANSWERABLE_WEIGHT = 3;
/**
 * The trees on top of the linear model: 200 of depth 2, each step 0.05.
 * Chosen on DEV among a handful of settings (100–400 trees, depth 1–4, rate
 * 0.03–0.1): at DEV's refusal floor of 96%, confident-right of learnt entries
 * 63.8% with the linear model alone, 72–74% with trees on it (trees alone,
 * without the linear start, 69–71% and less steady across settings); after
 * the contrastive files made DEV harder, 58.6% and 66.1% (README).
 */
const BOOST = { trees: 200, depth: 2, rate: 0.05, lambda: 1, minWeight: 5, bins: 32 } as const;
/** Parts of TRAIN for cross-fitting the entry classifier's features. */
const FOLDS = 5;

interface Row {
  q: string;
  x: number[];
  right: boolean;
  unanswerable: boolean;
  learnt: boolean;
  /** The first hit's entry (for FIT_DUMP). */
  top: string;
}

const fixture = await openKnowledgeFixture();
try {
  const { corpus: deployed } = await fixture.knowledge.snapshot();
  const index = fixture.knowledge.index!;
  const today = localDayOf(new Date());
  const entries = [...deployed.all()].map((f) => f.entry);
  const rowsOf = async (queries: KbQuery[], corpus: KnowledgeCorpus): Promise<Row[]> => {
    const rows: Row[] = [];
    for (const query of queries) {
      const result = await searchKnowledge(index, corpus, query.q, { limit: 3, today, explain: true });
      // Searches with no hit, or a question of no letters, are never confident: nothing to learn.
      const substantive = [...query.q].filter((ch) => /\p{L}/u.test(ch)).length >= 2;
      if (!result.features || result.hits.length === 0 || !substantive) continue;
      rows.push({ q: query.q, x: featureVector(result.features), right: query.expected !== null && result.hits[0]!.id === query.expected, unanswerable: query.expected === null, learnt: result.learnt === true, top: result.hits[0]!.id });
    }
    return rows;
  };
  // The entry classifier learns from TRAIN's questions, so a TRAIN question's
  // features come from a classifier that never saw it: TRAIN in FOLDS parts,
  // each searched with a classifier trained on the others (cross-fitting).
  // DEV is searched as deployed: a classifier trained on all of TRAIN.
  const trainQueries = [...readKbQueries('old')!, ...readKbQueries('train')!];
  // Trained as the server trains it (entry-softmax-training.ts: entries by id), on this thread.
  const softmaxOn = (questions: LabelledQuestion[]) => {
    const material = softmaxMaterial(entries, questions);
    return trainSoftmax(material.entries, material.examples);
  };
  const train: Row[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const held = trainQueries.filter((_, i) => i % FOLDS === fold);
    const rest: LabelledQuestion[] = trainQueries.filter((_, i) => i % FOLDS !== fold);
    const softmax = softmaxOn(rest);
    train.push(...(await rowsOf(held, new KnowledgeCorpus(deployed.vocabulary, entries, rest, softmax))));
  }
  const devQueries = readKbQueries('dev')!;
  const softmax = softmaxOn(trainQueries);
  const dev = await rowsOf(devQueries, new KnowledgeCorpus(deployed.vocabulary, entries, trainQueries, softmax));
  // Without the entry-softmax model's features (BASE_FEATURES): for a first hit no such model knows.
  const base = (rows: Row[]) => rows.map((r) => ({ ...r, x: r.x.slice(0, BASE_FEATURES) }));

  // Searches whose first hit the classifier learnt, and searches as they go
  // for entries it did not (every entry with a classifier that has seen no
  // citizen's question: an imported knowledge base, or an entry added since).
  // No entry-softmax model takes part for such entries (kb-search.ts).
  const unlearntCorpus = new KnowledgeCorpus(deployed.vocabulary, entries, []);
  const trainUnlearnt = base([...train.filter((r) => !r.learnt), ...(await rowsOf(trainQueries, unlearntCorpus))]);
  const devUnlearnt = base([...dev.filter((r) => !r.learnt), ...(await rowsOf(devQueries, unlearntCorpus))]);
  if (process.env.FIT_DUMP) {
    // For trying other model forms outside this script: the rows it fits on.
    writeFileSync(process.env.FIT_DUMP, JSON.stringify({ features: CONFIDENCE_FEATURES, train, dev, trainUnlearnt, devUnlearnt }));
  }
  const learnt = fitModel('learnt entries (CONFIDENCE_MODEL)', train.filter((r) => r.learnt), dev.filter((r) => r.learnt));
  const learntBase = fitModel('learnt entries, no entry-softmax model (CONFIDENCE_MODEL_BASE)', base(train.filter((r) => r.learnt)), base(dev.filter((r) => r.learnt)));
  const unlearnt = fitModel('entries the classifier did not learn (CONFIDENCE_MODEL_UNLEARNT)', trainUnlearnt, devUnlearnt);

  const list = (xs: number[]) => `[${xs.join(', ')}]`;
  const literal = (name: string, model: ConfidenceModel, comment: string) => `${comment}
export const ${name}: ConfidenceModel = {
  mean: ${list(model.mean)},
  scale: ${list(model.scale)},
  weights: ${list(model.weights)},
  bias: ${model.bias},
  boost: { rate: ${model.boost!.rate}, trees: ${JSON.stringify(model.boost!.trees)} },
  calibration: { slope: ${model.calibration!.slope}, intercept: ${model.calibration!.intercept} },
  thresholds: [
${model.thresholds.map((t) => `    { precision: ${t.precision}, threshold: ${t.threshold} },`).join('\n')}
  ],
};
`;
  writeFileSync(
    new URL('../../knowledge/src/search/confidence-model.ts', import.meta.url),
    `// Written by \`npm run fit:kb-confidence\` (tests/eval/kb-confidence-fit.ts): do not edit by hand.
// Features: ${CONFIDENCE_FEATURES.join(', ')}.
import type { ConfidenceModel } from './confidence.ts';

${literal('CONFIDENCE_MODEL', learnt, `/** First hits the entry classifier and the entry-softmax model learnt: fitted on ${learnt.trained} TRAIN searches, thresholds chosen on ${learnt.chosenOn} DEV searches. */`)}
${literal('CONFIDENCE_MODEL_BASE', learntBase, `/** First hits the entry classifier learnt and no entry-softmax model knows: the same searches, without that model's features. */`)}
${literal('CONFIDENCE_MODEL_UNLEARNT', unlearnt, `/** First hits it did not learn: fitted on ${unlearnt.trained} TRAIN searches, thresholds chosen on ${unlearnt.chosenOn} DEV searches. */`)}`,
  );
  console.log('\nwrote knowledge/src/search/confidence-model.ts');

  function fitModel(name: string, train: Row[], dev: Row[]): ConfidenceModel & { trained: number; chosenOn: number } {
    const sampleWeights = train.map((r) => (r.unanswerable ? UNANSWERABLE_WEIGHT : 1));
    const labels = train.map((r) => (r.right ? 1 : 0));
    const linear = fitLogistic(
      train.map((r) => r.x),
      labels,
      { sampleWeights },
    );
    // Trees on what the linear model leaves (settings chosen on DEV, see BOOST).
    const boost = fitBoostedTrees(
      train.map((r) => r.x),
      labels,
      train.map((r) => logOdds(r.x, linear)),
      { ...BOOST, sampleWeights },
    );
    const fitted = { ...linear, boost };
    const round3 = (p: number) => Math.round(p * 1000) / 1000;
    const calibration = fitCalibration(
      dev.map((r) => probabilityRight(r.x, { ...fitted, thresholds: [] })),
      dev.map((r) => r.right),
    );
    const devP = dev.map((r) => round3(probabilityRight(r.x, { ...fitted, calibration, thresholds: [] })));
    const devNulls = devP.filter((_, i) => dev[i]!.unanswerable);
    const floor = refusalThreshold(devNulls, REFUSED);
    const thresholds = PRECISIONS.map((precision) => ({ precision, threshold: Math.max(floor, chooseThreshold(devP, dev.map((r) => r.right), precision)) }));
    const model: ConfidenceModel = { ...fitted, calibration, thresholds };

    console.log(`\n== ${name}`);
    console.log(`fitted on ${train.length} TRAIN searches (${train.filter((r) => r.right).length} right first), DEV ${dev.length} searches`);
    console.log('weights (standardised):');
    model.weights.forEach((weight, i) => console.log(`  ${CONFIDENCE_FEATURES[i]!.padEnd(14)}${weight.toFixed(3).padStart(8)}`));
    console.log(`  bias          ${model.bias.toFixed(3).padStart(8)}`);
    console.log(`Platt scaling on DEV: z → ${calibration.slope}·z + ${calibration.intercept}`);
    // How well calibrated on DEV: mean predicted vs observed, by bins of predicted probability.
    console.log('\nDEV calibration: predicted   observed   n');
    for (let lo = 0; lo < 1; lo += 0.2) {
      const bin = dev.map((r, i) => ({ r, p: devP[i]! })).filter(({ p }) => p >= lo && (p < lo + 0.2 || lo >= 0.8));
      if (bin.length === 0) continue;
      const mean = bin.reduce((sum, { p }) => sum + p, 0) / bin.length;
      console.log(`  ${lo.toFixed(1)}–${(lo + 0.2).toFixed(1)}        ${mean.toFixed(2)}       ${(bin.filter(({ r }) => r.right).length / bin.length).toFixed(2)}   ${bin.length}`);
    }
    console.log(`\nDEV: no threshold below ${floor} (${REFUSED * 100}% of DEV's ${devNulls.length} unanswerable questions refused)`);
    console.log('DEV: target precision → threshold, confident-right (of answerable), confident-wrong (of all), unanswerable refused');
    const answerable = dev.filter((r) => !r.unanswerable).length;
    for (const t of thresholds) {
      const confident = dev.filter((_, i) => devP[i]! >= t.threshold);
      const right = confident.filter((r) => r.right).length;
      const mark = t.precision === CONFIDENCE.targetPrecision ? '  ← CONFIDENCE.targetPrecision' : '';
      const refused = devNulls.length - confident.filter((r) => r.unanswerable).length;
      console.log(
        `  ${t.precision.toFixed(2)} → ${t.threshold.toFixed(3)}   ${((100 * right) / answerable).toFixed(1)}%   ${((100 * (confident.length - right)) / dev.length).toFixed(1)}%   ${((100 * refused) / Math.max(1, devNulls.length)).toFixed(1)}%${mark}`,
      );
    }
    console.log('\nDEV: what refusing more of the unanswerable questions costs (misses allowed → threshold, confident-right of answerable)');
    for (let misses = 0; misses <= Math.ceil(devNulls.length * (1 - REFUSED)) + 1; misses++) {
      const cut = refusalThreshold(devNulls, 1 - misses / devNulls.length);
      const right = dev.filter((r, i) => devP[i]! >= cut && r.right).length;
      console.log(`  ${String(misses).padStart(2)} (${((100 * (devNulls.length - misses)) / devNulls.length).toFixed(1)}% refused) → ${cut.toFixed(3)}   ${((100 * right) / answerable).toFixed(1)}%`);
    }
    if (process.env.FIT_VERBOSE) {
      console.log('\nDEV: the unanswerable questions the model is surest of');
      dev
        .map((r, i) => ({ r, p: devP[i]! }))
        .filter(({ r }) => r.unanswerable)
        .sort((a, b) => b.p - a.p)
        .slice(0, Number(process.env.FIT_VERBOSE) || 8)
        .forEach(({ r, p }) => console.log(`  ${p.toFixed(3)}  ${r.q}`));
    }
    return { ...model, trained: train.length, chosenOn: dev.length };
  }
} finally {
  await fixture.close();
}
