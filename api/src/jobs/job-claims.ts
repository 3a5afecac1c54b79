import { type Db, jobRuns } from '@hotline/db';
import { sql } from 'drizzle-orm';

/**
 * Claims this period of a periodic job for one instance: true for the first
 * instance to ask once `periodMs` have passed since the last claim (by the
 * database's clock, which every instance shares), false for every other.
 * One conditional upsert: concurrent claims queue on the row and only the
 * first sees the old time. A claim is not a lock held while the job runs:
 * if the instance dies mid-run, the next period runs on whichever instance
 * asks first, and the jobs themselves stay safe to overlap (conditional
 * updates), so a run longer than the period is harmless.
 */
export async function claimJobPeriod(db: Db, job: string, periodMs: number, instance: string): Promise<boolean> {
  const rows = await db
    .insert(jobRuns)
    .values({ job, runs: 1, lastStartedAt: sql`now()`, instance })
    .onConflictDoUpdate({
      target: jobRuns.job,
      set: { runs: sql`${jobRuns.runs} + 1`, lastStartedAt: sql`now()`, instance },
      setWhere: sql`${jobRuns.lastStartedAt} <= now() - ${`${Math.max(0, Math.floor(periodMs))} milliseconds`}::interval`,
    })
    .returning({ runs: jobRuns.runs });
  return rows.length > 0;
}
