import type { VoiceMediaSource } from '@hotline/bots';
import type { Database } from '@hotline/db';
import type { Config } from '../config.ts';
import type { Actor } from '../domain/context.ts';
import type { RateLimiter } from '../domain/rate-limits/rate-limiter.ts';
import type { KnowledgeService } from '../domain/knowledge/knowledge-service.ts';
import type { RulesCache } from '../domain/settings/rules.ts';
import type { Logger } from './logger.ts';

/** What the app is built from; tests build it on their own database. */
export interface AppDeps {
  database: Database;
  rules: RulesCache;
  limiter: RateLimiter;
  knowledge: KnowledgeService;
  logger: Logger;
  config: Pick<Config, 'trustProxy' | 'cookieSecure' | 'powBits'>;
  /** Signs form tokens and proof-of-work challenges (loadSigningSecret). */
  secret: string;
  now?: () => Date;
  /**
   * Proves a request comes from this process's own portal, whose pages pass
   * on the citizen's address (x-hotline-client-ip) for rate limits.
   */
  internalToken: string;
  /** Where citizens' voice messages are fetched from (the chat bots, created after the app), if any. */
  voice?: () => VoiceMediaSource | null;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    clientIp: string | null;
    actor: Actor | null;
    /** How the staff member authenticated: cookie-based requests get a CSRF check. */
    authVia: 'cookie' | 'bearer' | null;
    sessionToken: string | null;
  };
}
