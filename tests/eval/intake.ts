// npm run eval:intake: the intake chain on labelled citizen messages
// (knowledge/eval/intake-messages.jsonl): category accuracy, emergency recall
// and false alarms.
import { readFileSync } from 'node:fs';
import { draftTicket } from '../../api/src/domain/knowledge/ask.ts';
import { openKnowledgeFixture } from './kb-fixture.ts';

interface Message {
  text: string;
  category: string;
  subcategory: string | null;
  emergency: '110' | '119' | '120' | null;
}
const messages: Message[] = readFileSync(new URL('../../knowledge/eval/intake-messages.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Message);
const verbose = process.argv.includes('--verbose');

const fixture = await openKnowledgeFixture();
try {
  let first = 0;
  let second = 0;
  let secondLabelled = 0;
  let none = 0;
  let caught = 0;
  let rightNumber = 0;
  let falseAlarms = 0;
  const emergencies = messages.filter((m) => m.emergency);
  const calm = messages.filter((m) => !m.emergency);
  const started = performance.now();
  for (const m of messages) {
    const draft = await draftTicket(fixture.ctx, fixture.knowledge, { text: m.text, channel: 'web' });
    const firstLevel = draft.category?.split('.')[0] ?? null;
    if (firstLevel === m.category) first++;
    if (!draft.category) none++;
    if (m.subcategory) {
      secondLabelled++;
      if (draft.category === m.subcategory) second++;
    }
    if (m.emergency) {
      if (draft.emergency) caught++;
      if (draft.emergency === m.emergency) rightNumber++;
    } else if (draft.emergency) falseAlarms++;
    const wrong = firstLevel !== m.category || !!draft.emergency !== !!m.emergency;
    if (verbose && wrong) console.log(`  want ${m.category}${m.emergency ? `/${m.emergency}` : ''} got ${draft.category ?? '-'}${draft.emergency ? `/${draft.emergency}` : ''}  ${m.text}`);
  }
  const ms = (performance.now() - started) / messages.length;
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  console.log(`intake evaluation: ${messages.length} messages (${emergencies.length} emergencies, ${calm.length} others)`);
  console.log('');
  console.log(`category, first level            ${pct(first, messages.length).padStart(7)}   (target ≥ 85%; left for the operator: ${none})`);
  console.log(`category, second level           ${pct(second, secondLabelled).padStart(7)}   (of ${secondLabelled} with a second level)`);
  console.log(`emergency recall                 ${pct(caught, emergencies.length).padStart(7)}   (target 100%; right number: ${pct(rightNumber, emergencies.length)})`);
  console.log(`false alarms                     ${pct(falseAlarms, calm.length).padStart(7)}   (target ≤ 5%; ${falseAlarms} of ${calm.length})`);
  console.log(`time a message (sequential)      ${ms.toFixed(1).padStart(5)} ms`);
} finally {
  await fixture.close();
}
