import { randomBytes } from 'node:crypto';
import { type Db, settings } from '@hotline/db';
import { eq } from 'drizzle-orm';

const KEY = 'secret.signing';

/**
 * The key that signs the portal's form tokens and proof-of-work challenges.
 * SITE_SECRET wins; otherwise the first instance to start stores a random
 * one in the database, so every instance behind a load balancer agrees.
 * (Not one of the settings keys: rules never read or show it.)
 */
export async function loadSigningSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db.insert(settings).values({ key: KEY, value: randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY));
  if (typeof row?.value !== 'string') throw new Error('signing secret missing from the settings table');
  return row.value;
}
