import { fileURLToPath } from 'node:url';
import { type Db, jobRuns, kbLearnedQuestions } from '@hotline/db';
import { type IntakeExample, type IntakeModel, readIntakeExamples, retrainIntakeModel, retrainIntakeModelInWorker, shippedIntakeModelStats, URGENT_THRESHOLD } from '@hotline/knowledge';
import { count, eq } from 'drizzle-orm';
import { correctionExamples } from '../domain/tickets/intake-corrections.ts';
import { claimJobPeriod } from './job-claims.ts';

export const INTAKE_RETRAIN_JOB = 'intake-retrain';

/** The night hours (the city's local time) in which one instance retrains: the floor is quiet and training takes a few seconds of CPU. */
export const RETRAIN_HOURS = { from: 2, to: 5 } as const;

export interface RetrainResult {
  corrections: number;
  /** Citizens' words answered from a knowledge entry (kb_learned_questions), which the answer chain learns at its next snapshot. */
  learnedQuestions: number;
  examples: number;
  ms: number;
}

/**
 * Retrains the intake model of this process from the shipped training files
 * plus every correction staff made (intake_corrections), and swaps it in:
 * drafts and new tickets use it from the next message on. Training runs on
 * a worker thread (≈ 1–3 s of CPU); the old model answers meanwhile.
 */
export async function retrainFromCorrections(db: Db): Promise<RetrainResult> {
  const corrections = await correctionExamples(db);
  await retrainIntakeModelInWorker(corrections);
  const stats = shippedIntakeModelStats();
  return { corrections: corrections.length, learnedQuestions: await countLearned(db), examples: stats?.examples ?? 0, ms: Math.round(stats?.ms ?? 0) };
}

/** Whether `now` is in the nightly window, in the city's time (UTC+8). */
export function inRetrainWindow(now: Date): boolean {
  const hour = new Date(now.getTime() + 8 * 3600_000).getUTCHours();
  return hour >= RETRAIN_HOURS.from && hour < RETRAIN_HOURS.to;
}

/** When any instance last started the nightly retraining (job_runs), or null. */
export async function lastRetrainStart(db: Db): Promise<Date | null> {
  const [row] = await db.select({ at: jobRuns.lastStartedAt }).from(jobRuns).where(eq(jobRuns.job, INTAKE_RETRAIN_JOB));
  return row?.at ?? null;
}

/** How the model alone reads a set of labelled messages: the share right per head (null: the set has no such label). */
export interface ModelFigures {
  messages: number;
  category: number | null;
  type: number | null;
  urgentRecall: number | null;
  falseAlarms: number | null;
}

export interface RetrainReport {
  corrections: number;
  learnedQuestions: number;
  examples: number;
  /** The held-out test split, which neither model learnt from: corrections should not make it worse. */
  test: { before: ModelFigures; after: ModelFigures };
  /** The corrected tickets themselves (learnt from by the new model: how much it took in, not how well it generalises). */
  corrected: { before: ModelFigures; after: ModelFigures };
}

const TEST_SPLIT = fileURLToPath(new URL('../../../knowledge/eval/splits/intake-test.jsonl', import.meta.url));

export function modelFigures(model: IntakeModel, examples: readonly IntakeExample[]): ModelFigures {
  const best = (scores: Map<string, number> | null) => [...(scores ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0];
  const share = (hits: number, n: number) => (n === 0 ? null : hits / n);
  const n = { category: 0, type: 0, urgent: 0, calm: 0 };
  const right = { category: 0, type: 0, urgent: 0, alarms: 0 };
  for (const e of examples) {
    const p = model.predict(e.text);
    if (e.category) {
      n.category++;
      if (best(p.category) === e.category) right.category++;
    }
    if (e.type) {
      n.type++;
      if (best(p.type) === e.type) right.type++;
    }
    if (typeof e.urgent === 'boolean') {
      const drafted = (p.urgent ?? 0) >= URGENT_THRESHOLD;
      if (e.urgent) {
        n.urgent++;
        if (drafted) right.urgent++;
      } else {
        n.calm++;
        if (drafted) right.alarms++;
      }
    }
  }
  return { messages: examples.length, category: share(right.category, n.category), type: share(right.type, n.type), urgentRecall: share(right.urgent, n.urgent), falseAlarms: share(right.alarms, n.calm) };
}

/**
 * The admin command's retraining (npm run admin -- retrain-intake): the
 * model from the files alone and with every correction, both measured on
 * the test split and on the corrected tickets, then the one with the
 * corrections swapped in here and the night's run marked in job_runs, so
 * that every running instance retrains its own within the hour.
 */
export async function retrainWithReport(db: Db, instance: string): Promise<RetrainReport> {
  const corrections = await correctionExamples(db);
  const test = readIntakeExamples([TEST_SPLIT]);
  const before = retrainIntakeModel([]);
  const after = retrainIntakeModel(corrections);
  await claimJobPeriod(db, INTAKE_RETRAIN_JOB, 0, instance);
  return {
    corrections: corrections.length,
    learnedQuestions: await countLearned(db),
    examples: shippedIntakeModelStats()?.examples ?? 0,
    test: { before: modelFigures(before, test), after: modelFigures(after, test) },
    corrected: { before: modelFigures(before, corrections), after: modelFigures(after, corrections) },
  };
}

async function countLearned(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(kbLearnedQuestions);
  return Number(row?.n ?? 0);
}
