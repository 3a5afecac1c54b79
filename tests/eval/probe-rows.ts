import { readFileSync } from 'node:fs';
import { probabilityRight, CONFIDENCE_FEATURES } from '../../knowledge/src/search/confidence.ts';
import { CONFIDENCE_MODEL } from '../../knowledge/src/search/confidence-model.ts';
const d = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const rows = d.dev.filter((r: any) => r.learnt);
const th = CONFIDENCE_MODEL.thresholds.find((t) => t.precision === 0.97)!.threshold;
const unsure = rows.filter((r: any) => r.right && probabilityRight(r.x) < th);
const fa = rows.filter((r: any) => r.unanswerable && probabilityRight(r.x) >= th);
console.log('threshold', th, 'right', rows.filter((r: any) => r.right).length, 'unsure', unsure.length, 'unans passed', fa.length, 'of', rows.filter((r: any) => r.unanswerable).length);
const idx = (n: string) => CONFIDENCE_FEATURES.indexOf(n as any);
const show = (r: any) => `${probabilityRight(r.x).toFixed(2)} len=${r.q.length} cls=${r.x[idx('classifier')].toFixed(2)} none=${r.x[idx('classifierNone')].toFixed(2)} top=${r.x[idx('top')].toFixed(2)} lead=${r.x[idx('lead')].toFixed(2)} like=${r.x[idx('likeAsked')].toFixed(2)}/${r.x[idx('likeNearMiss')].toFixed(2)} ${r.top} ${r.q}`;
for (const r of unsure.sort(() => Math.random() - 0.5).slice(0, Number(process.argv[3] ?? 40))) console.log(show(r));
console.log('--- passed unanswerable');
for (const r of fa) console.log(show(r));
// length buckets
for (const [lo, hi] of [[0, 8], [8, 16], [16, 30], [30, 200]]) {
  const b = rows.filter((r: any) => !r.unanswerable && r.q.length >= lo && r.q.length < hi);
  const right = b.filter((r: any) => r.right);
  console.log(`len ${lo}-${hi}: n ${b.length} right-first ${right.length} confident-right ${right.filter((r: any) => probabilityRight(r.x) >= th).length}`);
}
