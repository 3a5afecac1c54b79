// node tests/eval/intake-cross-file.ts ['<options json>' …]: cross-file
// validation of the intake model's settings. Each training file was written
// by other hands in another style; training on all but one and measuring on
// that one says how the model does on messages written unlike its training
// material, which a random DEV split (same writers on both sides) cannot.
// Used to choose INTAKE_MODEL_DEFAULTS (knowledge/src/model/intake-model.ts).
// Model only, no rules; never reads the test split.
import { modelFigures } from '../../api/src/jobs/intake-retraining.ts';
import { type IntakeModelOptions, knowledgeExamples, readIntakeExamples, trainingFiles, trainIntakeModel } from '../../knowledge/src/model/intake-model.ts';

const files = trainingFiles().filter((f) => /intake-train-/.test(f));
const always = trainingFiles().filter((f) => !/intake-train-/.test(f));
const knowledge = knowledgeExamples();
const settings: Partial<IntakeModelOptions>[] = process.argv.length > 2 ? process.argv.slice(2).map((a) => JSON.parse(a)) : [{}];
const THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
const best = (scores: Map<string, number> | null) => (scores ? [...scores].sort((a, b) => b[1] - a[1])[0]![0] : null);
const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '-');

for (const options of settings) {
  const perFile: string[] = [];
  const mean = { sub: 0, category: 0, type: 0 };
  const urgentAt = THRESHOLDS.map(() => ({ caught: 0, alarms: 0 }));
  let urgentN = 0;
  let calmN = 0;
  for (const held of files) {
    const model = trainIntakeModel([...readIntakeExamples([...always, ...files.filter((f) => f !== held)]), ...knowledge], options);
    const heldOut = readIntakeExamples([held]);
    // Category and type as the admin retraining reports them; the second level and the urgency sweep here.
    const figures = modelFigures(model, heldOut);
    const n = { sub: 0, subN: 0 };
    for (const e of heldOut) {
      const p = model.predict(e.text);
      if (e.category && e.subcategory) {
        n.subN++;
        if (best(p.subcategory(e.category)) === e.subcategory) n.sub++;
      }
      if (typeof e.urgent === 'boolean') {
        if (e.urgent) urgentN++;
        else calmN++;
        THRESHOLDS.forEach((t, i) => {
          if ((p.urgent ?? 0) >= t) urgentAt[i]![e.urgent ? 'caught' : 'alarms']++;
        });
      }
    }
    mean.sub += n.sub / Math.max(1, n.subN) / files.length;
    mean.category += (figures.category ?? 0) / files.length;
    mean.type += (figures.type ?? 0) / files.length;
    const share = (x: number | null) => (x === null ? '-' : (100 * x).toFixed(1));
    perFile.push(`${held.replace(/.*intake-train-/, '').replace('.jsonl', '')} ${share(figures.category)}/${share(figures.type)}`);
  }
  console.log(`${JSON.stringify(options)}\n  mean over ${files.length} held-out files: category ${(100 * mean.category).toFixed(1)}%, second level (given the first) ${(100 * mean.sub).toFixed(1)}%, type ${(100 * mean.type).toFixed(1)}%`);
  console.log(`  per file (category/type): ${perFile.join(', ')}`);
  console.log(`  urgency, threshold: recall / false alarms  ${THRESHOLDS.map((t, i) => `${t}: ${pct(urgentAt[i]!.caught, urgentN)}/${pct(urgentAt[i]!.alarms, calmN)}`).join('  ')}`);
}
