import { type Db, jobRuns } from '@hotline/db';
import { retrainIntakeModel, shippedIntakeModelStats } from '@hotline/knowledge';
import { eq } from 'drizzle-orm';
import { correctionExamples } from '../domain/tickets/intake-corrections.ts';

export const INTAKE_RETRAIN_JOB = 'intake-retrain';

/** The night hours (the city's local time) in which one instance retrains: the floor is quiet and training takes a few seconds of CPU. */
export const RETRAIN_HOURS = { from: 2, to: 5 } as const;

export interface RetrainResult {
  corrections: number;
  examples: number;
  ms: number;
}

/**
 * Retrains the intake model of this process from the shipped training files
 * plus every correction staff made (intake_corrections), and swaps it in:
 * drafts and new tickets use it from the next message on. Training runs on
 * this thread (≈ 1–3 s of CPU); the few requests arriving meanwhile wait.
 */
export async function retrainFromCorrections(db: Db): Promise<RetrainResult> {
  const corrections = await correctionExamples(db);
  retrainIntakeModel(corrections);
  const stats = shippedIntakeModelStats();
  return { corrections: corrections.length, examples: stats?.examples ?? 0, ms: Math.round(stats?.ms ?? 0) };
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
