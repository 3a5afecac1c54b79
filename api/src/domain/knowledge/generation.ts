import { type Db, kbGeneration, type Queryable } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';

/**
 * The knowledge generation (kb_generation): bumped in the transaction of
 * every change that can alter a search answer (published entries, the
 * vocabulary, intake rules), and again after the search index has taken a
 * change in. An instance's cached corpus and search results carry the
 * generation they were made at and are dropped once the stored one is
 * higher, so an edit made through one instance is not hidden by another
 * instance's cache. The row is locked until the change commits: concurrent
 * edits queue on it (editors' edits are rare), searches only read it.
 */
export async function bumpKnowledgeGeneration(tx: Queryable, at: Date): Promise<void> {
  await tx
    .insert(kbGeneration)
    .values({ id: 1, generation: 1, changedAt: at })
    .onConflictDoUpdate({ target: kbGeneration.id, set: { generation: sql`${kbGeneration.generation} + 1`, changedAt: at } });
}

/** The current generation; 0 before the first change. */
export async function readKnowledgeGeneration(db: Db): Promise<number> {
  const [row] = await db.select({ generation: kbGeneration.generation }).from(kbGeneration).where(eq(kbGeneration.id, 1));
  return Number(row?.generation ?? 0);
}
