import { join } from 'node:path';
import { type EmbeddedMeili, type MeiliConnection, startEmbeddedMeili } from '@hotline/knowledge';
import type { Config } from './config.ts';
import type { Logger } from './http/logger.ts';

/**
 * The search server of this process: MEILI_URL when set, otherwise the
 * Meilisearch binary started under DATA_DIR/meilisearch. A binary that will
 * not start leaves the app running without search ("temporarily unavailable").
 */
export async function connectSearch(config: Config, logger: Logger): Promise<{ connection: MeiliConnection | null; embedded: EmbeddedMeili | null }> {
  if (config.meili.url !== null) {
    return { connection: { url: config.meili.url, apiKey: config.meili.masterKey, indexUid: config.meili.indexUid }, embedded: null };
  }
  try {
    const embedded = await startEmbeddedMeili({
      dir: join(config.dataDir, 'meilisearch'),
      onEvent: (event, detail) => event !== 'started' && logger.warn(`meilisearch ${event}`, { detail }),
    });
    return { connection: { url: embedded.url, apiKey: embedded.masterKey, indexUid: config.meili.indexUid }, embedded };
  } catch (error) {
    logger.error('meilisearch did not start', { error: String((error as Error).message ?? error).slice(0, 500) });
    return { connection: null, embedded: null };
  }
}
