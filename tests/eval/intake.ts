// npm run eval:intake: the intake chain on labelled citizen messages.
//
// Sets (knowledge/eval/splits/README.md):
//   TEST  splits/intake-test.jsonl, held out: never trained on, never tuned on
//   DEV   20% of the training material, for choosing the chain's weights
//   OLD   intake-messages.jsonl, the first set (now training material: shown for continuity)
// Each set is drafted twice: rules only (the chain before the model) and rules
// with the model. DEV uses a model trained on TRAIN only; TEST and OLD the
// shipped model (TRAIN and DEV).
//
//   --tune     choose the weights on DEV and print them (for INTAKE_WEIGHTS); reads no TEST
//   --dev-only DEV's figures and confusion tables only (while trying a change); reads no TEST
//   --failures print a few TEST failures by class (for the closing report only)
//   --rule-alarms  which urgency rules raise calm TRAIN and DEV messages (for editing rules); reads no TEST
import { readFileSync } from 'node:fs';
import {
  combineReading,
  INTAKE_WEIGHTS,
  type IntakeDeps,
  type IntakeExample,
  type IntakeModel,
  type IntakePrediction,
  type IntakeWeights,
  intakeTrainingMaterial,
  readByRules,
  readIntakeExamples,
  type RuleReading,
  retrainIntakeModel,
  shippedIntakeModelStats,
  trainIntakeModel,
  withoutPlaces,
} from '@hotline/knowledge';
import { intakeCatalog } from '../../api/src/domain/knowledge/ask.ts';
import { openKnowledgeFixture } from './kb-fixture.ts';

interface Labelled extends IntakeExample {
  id?: string;
}
const read = (path: string): Labelled[] => readFileSync(new URL(path, import.meta.url), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Labelled);
const test = read('../../knowledge/eval/splits/intake-test.jsonl');
const old = readIntakeExamples([new URL('../../knowledge/eval/intake-messages.jsonl', import.meta.url).pathname]);
const { train, dev, knowledge } = intakeTrainingMaterial();
const tune = process.argv.includes('--tune');
/** While choosing settings: DEV's figures only, TEST not even read. */
const ruleAlarms = process.argv.includes('--rule-alarms');
const devOnly = process.argv.includes('--dev-only') || tune || ruleAlarms;
const showFailures = process.argv.includes('--failures');

let started = performance.now();
const devModel = trainIntakeModel([...train, ...knowledge]);
const devModelMs = performance.now() - started;
started = performance.now();
const shipped = retrainIntakeModel();
const shippedMs = performance.now() - started;

/** A message as the chain reads it: rules once, then drafts under any weights. */
interface Read {
  m: Labelled;
  reading: RuleReading;
  prediction: IntakePrediction | null;
}
/** Urgent as labelled; older sets label only emergencies, which are urgent. */
const isUrgent = (m: Labelled) => m.urgent ?? !!m.emergency;

const fixture = await openKnowledgeFixture();
try {
  const { rules, vocabulary } = await fixture.knowledge.snapshot();
  const deps: IntakeDeps = {
    rules,
    vocabulary,
    catalog: intakeCatalog(fixture.ctx),
    knowledge: async (text) => {
      const result = await fixture.knowledge.search(text, { limit: 3, now: new Date() });
      return result.hits.map((h) => ({ entryId: h.id, categoryCode: h.category, subcategoryCode: h.subcategory, score: h.score }));
    },
  };
  const readAll = async (messages: Labelled[], model: IntakeModel): Promise<Read[]> => {
    const out: Read[] = [];
    for (const m of messages) out.push({ m, reading: await readByRules(deps, m.text), prediction: model.predict(withoutPlaces(deps.catalog, m.text)) });
    return out;
  };
  const draftsOf = (reads: Read[], withModel: boolean, weights: IntakeWeights = INTAKE_WEIGHTS) =>
    reads.map((r) => ({ m: r.m, emergency: r.reading.emergency?.number ?? null, ...combineReading(deps.catalog, r.reading, withModel ? r.prediction : null, weights) }));
  type Draft = ReturnType<typeof draftsOf>[number];

  const score = (drafts: Draft[]) => {
    const first = (d: Draft) => d.category?.split('.')[0] ?? null;
    const typed = drafts.filter((d) => d.m.type);
    const sub = drafts.filter((d) => d.m.subcategory);
    const urgent = drafts.filter((d) => isUrgent(d.m));
    const calm = drafts.filter((d) => !isUrgent(d.m));
    const emergencies = drafts.filter((d) => d.m.emergency);
    const raised = (d: Draft) => d.urgency === 'urgent' || !!d.emergency;
    return {
      n: drafts.length,
      category: drafts.filter((d) => first(d) === d.m.category).length / drafts.length,
      subcategory: sub.filter((d) => d.category === d.m.subcategory).length / Math.max(1, sub.length),
      type: typed.length ? typed.filter((d) => d.type === d.m.type).length / typed.length : null,
      urgentCaught: urgent.filter(raised).length,
      urgent: urgent.length,
      emergencyRight: emergencies.filter((d) => d.emergency === d.m.emergency).length,
      emergencyRecognised: emergencies.filter(raised).length,
      emergencies: emergencies.length,
      falseAlarms: calm.filter(raised).length,
      calm: calm.length,
      none: drafts.filter((d) => !d.category).length,
    };
  };
  const pct = (x: number | null) => (x === null ? '     -' : `${(100 * x).toFixed(1)}%`.padStart(6));
  const report = (label: string, before: ReturnType<typeof score>, after: ReturnType<typeof score>) => {
    console.log(`\n${label}: ${after.n} messages (${after.urgent} urgent, ${after.emergencies} with an emergency number)`);
    console.log('                               rules only   rules + model   target');
    const row = (name: string, a: string, b: string, target: string) => console.log(`${name.padEnd(31)}${a.padStart(10)}${b.padStart(16)}   ${target}`);
    row('category, first level', pct(before.category), pct(after.category), '≥ 85%');
    row('category, second level', pct(before.subcategory), pct(after.subcategory), '');
    row('request type', pct(before.type), pct(after.type), '≥ 85%');
    row('urgent recognised', `${before.urgentCaught}/${before.urgent}`, `${after.urgentCaught}/${after.urgent}`, 'all');
    row('emergency number right', `${before.emergencyRight}/${before.emergencies}`, `${after.emergencyRight}/${after.emergencies}`, `(recognised as urgent: ${after.emergencyRecognised})`);
    row('false alarms', `${pct(before.falseAlarms / Math.max(1, before.calm))}`, `${pct(after.falseAlarms / Math.max(1, after.calm))}`, `≤ 5% (${before.falseAlarms} → ${after.falseAlarms} of ${after.calm})`);
    row('left without a category', String(before.none), String(after.none), '');
  };
  const confusion = (title: string, drafts: Draft[], want: (d: Draft) => string | null | undefined, got: (d: Draft) => string | null) => {
    const labels = [...new Set(drafts.map(want).filter((x): x is string => !!x))].sort();
    const short = (s: string) => s.slice(0, 6);
    console.log(`\n${title} (rows: labelled, columns: drafted; "-" none)`);
    console.log(`${''.padEnd(24)}${labels.map((l) => short(l).padStart(7)).join('')}      -  recall`);
    for (const l of labels) {
      const row = drafts.filter((d) => want(d) === l);
      const cells = labels.map((c) => row.filter((d) => got(d) === c).length);
      const none = row.filter((d) => !got(d) || !labels.includes(got(d)!)).length;
      console.log(`${l.padEnd(24)}${cells.map((c) => String(c || '.').padStart(7)).join('')}${String(none || '.').padStart(7)}  ${pct(row.filter((d) => got(d) === l).length / row.length)}`);
    }
  };

  const devReads = await readAll(dev, devModel);
  if (tune) {
    // One weight at a time on DEV, each for the figure it moves; the urgency
    // threshold is the lowest that keeps DEV's false alarms at or below 5%.
    const grid = [0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 4];
    let w: IntakeWeights = { ...INTAKE_WEIGHTS };
    // For the request type, within 0.3 points of the best (two or three DEV
    // messages, less than the split's noise) the rules get the larger weight:
    // a citizen who writes 投诉 or 举报 should not be outvoted by the model's
    // guess ("我想投诉邻居装修太吵" drafted a consultation at 0.25).
    const pick = (key: keyof IntakeWeights, values: number[], figure: (s: ReturnType<typeof score>) => number, favourRules = false) => {
      const tried = values.map((v) => ({ v, f: figure(score(draftsOf(devReads, true, { ...w, [key]: v }))) }));
      const best = tried.reduce((a, b) => (b.f > a.f + 1e-9 ? b : a));
      const top = favourRules ? tried.filter((t) => t.f >= best.f - 0.003).reduce((a, b) => (b.v > a.v ? b : a)) : best;
      w = { ...w, [key]: top.v };
      console.log(`${key}: ${tried.map((t) => `${t.v}→${(100 * t.f).toFixed(1)}`).join(' ')}  ⇒ ${top.v}`);
    };
    pick('categoryRules', grid, (s) => s.category);
    pick('subcategoryRules', grid, (s) => s.subcategory);
    pick('typeRules', grid, (s) => s.type ?? 0, true);
    pick('typeFallback', [0, 0.05, 0.1, 0.2, 0.3, 0.5], (s) => s.type ?? 0);
    const thresholds = Array.from({ length: 19 }, (_, i) => 0.05 + i * 0.05);
    const sweep = thresholds.map((t) => ({ t, s: score(draftsOf(devReads, true, { ...w, urgentThreshold: t })) }));
    for (const { t, s } of sweep) console.log(`urgentThreshold ${t.toFixed(2)}: urgent ${s.urgentCaught}/${s.urgent}, false alarms ${s.falseAlarms}/${s.calm}`);
    // The lowest threshold keeping false alarms within 5%; where the rules alone
    // already pass 5%, the lowest at which the model adds at most 1% of the calm
    // messages to theirs (a missed danger costs more than a needless fast dispatch).
    const rulesAlone = score(draftsOf(devReads, false)).falseAlarms;
    const ok =
      sweep.find(({ s }) => s.falseAlarms / s.calm <= 0.05) ?? sweep.find(({ s }) => s.falseAlarms - rulesAlone <= 0.01 * s.calm);
    w = { ...w, urgentThreshold: Number((ok?.t ?? 0.95).toFixed(2)) };
    console.log(`\nchosen on DEV: ${JSON.stringify(w)}`);
  }

  if (ruleAlarms) {
    // The rules' false alarms spend most of the 5% budget the urgency threshold
    // is chosen under: these are the keyword lists to make more precise.
    for (const [label, reads] of [['TRAIN', await readAll(train, devModel)], ['DEV', devReads]] as const) {
      const raisedByRules = (r: Read) => r.reading.urgentRuleIds.length > 0 || !!r.reading.emergency;
      const alarms = reads.filter((r) => !isUrgent(r.m) && raisedByRules(r));
      const urgent = reads.filter((r) => isUrgent(r.m));
      console.log(`\n${label}: the rules raise ${urgent.filter(raisedByRules).length} of ${urgent.length} urgent messages and ${alarms.length} of ${reads.length - urgent.length} calm ones`);
      for (const r of alarms) console.log(`  ${[...r.reading.urgentRuleIds, ...(r.reading.emergency?.ruleIds ?? [])].filter(Boolean).join(',')}  ${r.m.text.slice(0, 90)}`);
    }
  }
  if (devOnly) {
    report('DEV (model trained on TRAIN only)', score(draftsOf(devReads, false)), score(draftsOf(devReads, true)));
    const first = (d: Draft) => d.category?.split('.')[0] ?? null;
    confusion('DEV request type, rules + model', draftsOf(devReads, true), (d) => d.m.type, (d) => d.type);
    confusion('DEV first-level category, rules + model', draftsOf(devReads, true), (d) => d.m.category, first);
  } else {
  const testReads = await readAll(test, shipped);
  const oldReads = await readAll(old, shipped);
  console.log(`intake evaluation (weights ${JSON.stringify(INTAKE_WEIGHTS)})`);
  console.log(`model: TRAIN ${train.length} messages + ${knowledge.length} knowledge-base phrasings (DEV model, ${devModelMs.toFixed(0)} ms); shipped adds DEV ${dev.length}: ${shippedIntakeModelStats()?.examples} examples, read and trained in ${shippedMs.toFixed(0)} ms`);
  const testBefore = draftsOf(testReads, false);
  const testAfter = draftsOf(testReads, true);
  report('TEST (held out)', score(testBefore), score(testAfter));
  report('DEV (model trained on TRAIN only)', score(draftsOf(devReads, false)), score(draftsOf(devReads, true)));
  report('OLD set (intake-messages.jsonl; training material now, not held out)', score(draftsOf(oldReads, false)), score(draftsOf(oldReads, true)));

  const first = (d: Draft) => d.category?.split('.')[0] ?? null;
  for (const [label, drafts] of [['rules only', testBefore], ['rules + model', testAfter]] as const) {
    confusion(`TEST request type, ${label}`, drafts, (d) => d.m.type, (d) => d.type);
    confusion(`TEST first-level category, ${label}`, drafts, (d) => d.m.category, first);
  }
  const urgentMissed = testAfter.filter((d) => isUrgent(d.m) && d.urgency !== 'urgent' && !d.emergency);
  const alarms = testAfter.filter((d) => !isUrgent(d.m) && (d.urgency === 'urgent' || d.emergency));
  console.log(`\nTEST urgent missed by style: ${JSON.stringify(countBy(urgentMissed, (d) => (d.m as { style?: string }).style ?? '-'))}`);
  console.log(`TEST false alarms by type: ${JSON.stringify(countBy(alarms, (d) => d.m.type ?? '-'))}`);
  if (showFailures) {
    const show = (title: string, list: Draft[]) => {
      console.log(`\n${title}`);
      for (const d of list.slice(0, 4)) console.log(`  [${d.m.id ?? ''}] want ${d.m.type}/${d.m.category}${isUrgent(d.m) ? '/urgent' : ''} got ${d.type}/${first(d)}/${d.urgency}: ${d.m.text}`);
    };
    show('urgent missed', urgentMissed);
    show('false alarms', alarms);
    show('type wrong', testAfter.filter((d) => d.type !== d.m.type));
    show('category wrong', testAfter.filter((d) => first(d) !== d.m.category));
  }
  }
} finally {
  await fixture.close();
}

function countBy<T>(list: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of list) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}
