import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

/**
 * The Wechaty bot's environment variables (README: 微信个人号与社区群).
 * WECHATY_PUPPET names the puppet as Wechaty documents (e.g.
 * wechaty-puppet-service, wechaty-puppet-padlocal); its token comes from
 * WECHATY_PUPPET_SERVICE_TOKEN (puppet service) or WECHATY_PUPPET_TOKEN
 * (any other puppet that takes a `token` option). Puppets that read their own
 * variables (WECHATY_PUPPET_PADLOCAL_TOKEN…) still find them in the environment.
 */
export const WechatyEnv = z.object({
  WECHATY_PUPPET: optional(z.string().regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, 'WECHATY_PUPPET 应为 Wechaty puppet 包名，如 wechaty-puppet-service')),
  WECHATY_PUPPET_SERVICE_TOKEN: optional(z.string().min(8)),
  WECHATY_PUPPET_TOKEN: optional(z.string().min(8)),
  /** The name of Wechaty's login memory (a <name>.memory-card.json file in the working directory). */
  WECHATY_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('hotline12345'),
});

export interface WechatyConfig {
  puppet: string;
  token: string | undefined;
  name: string;
}

/** The Wechaty configuration, or null when no puppet is configured. */
export function loadWechatyConfig(env: Record<string, string | undefined> = process.env): WechatyConfig | null {
  const parsed = WechatyEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Wechaty 配置有误：${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  if (!e.WECHATY_PUPPET) return null;
  const token = e.WECHATY_PUPPET === 'wechaty-puppet-service' ? (e.WECHATY_PUPPET_SERVICE_TOKEN ?? e.WECHATY_PUPPET_TOKEN) : (e.WECHATY_PUPPET_TOKEN ?? e.WECHATY_PUPPET_SERVICE_TOKEN);
  if (e.WECHATY_PUPPET === 'wechaty-puppet-service' && !token) throw new Error('Wechaty 配置有误：wechaty-puppet-service 需要 WECHATY_PUPPET_SERVICE_TOKEN');
  return { puppet: e.WECHATY_PUPPET, token, name: e.WECHATY_NAME };
}
