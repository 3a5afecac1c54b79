import { type Db, hotspotPushes, hotspotWarnings } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import type { OutboxMessage } from '../outbox/outbox-worker.ts';
import type { HotspotConfig, LeaderChannel, LeaderMessage, LeaderSender } from './leader-senders.ts';

const CHANNEL_SETTINGS: Record<LeaderChannel, string> = {
  sms: 'HOTSPOT_SMS_URL',
  telegram: 'TELEGRAM_BOT_TOKEN',
  wechat: 'WECHAT_APPID、WECHAT_APPSECRET 和 HOTSPOT_WECHAT_TEMPLATE_ID',
  email: 'HOTSPOT_SMTP_URL 和 HOTSPOT_MAIL_FROM',
};

/** The text a leader gets: the title, why it fired, where to look. No personal data (titles are made of words, not names). */
export function leaderMessage(warning: { id: string; title: string; reason: string }, publicUrl: string | undefined): LeaderMessage {
  const url = publicUrl ? `${publicUrl.replace(/\/+$/, '')}/staff/hotspots?id=${encodeURIComponent(warning.id)}` : null;
  return {
    title: `【12345热线预警】${warning.title}`,
    text: `【12345热线预警】${warning.title}\n${warning.reason}。${url ? `详情：${url}` : '请登录工作台「热点预警」查看。'}`,
    url,
  };
}

/**
 * Delivers a new warning to every configured leader (an outbox handler: at
 * least once). Each recipient's outcome is stored; one already `sent` is not
 * sent again when the message is retried, and a failure is rethrown after all
 * recipients were tried, so the outbox retries only what failed.
 */
export function pushHandler(db: Db, config: Pick<HotspotConfig, 'leaders' | 'publicUrl'>, senders: ReadonlyMap<LeaderChannel, LeaderSender>) {
  return async (message: OutboxMessage): Promise<void> => {
    const warningId = String(message.payload.warningId);
    const [warning] = await db.select().from(hotspotWarnings).where(eq(hotspotWarnings.id, warningId));
    if (!warning || config.leaders.length === 0) return;
    const done = new Set(
      (await db.select().from(hotspotPushes).where(eq(hotspotPushes.warningId, warningId))).filter((p) => p.outcome === 'sent').map((p) => p.recipient),
    );
    const text = leaderMessage(warning, config.publicUrl);
    const failures: string[] = [];
    for (const leader of config.leaders) {
      if (done.has(leader.recipient)) continue;
      const sender = senders.get(leader.channel);
      let error: string | null = null;
      try {
        if (!sender) throw new Error(`未配置 ${CHANNEL_SETTINGS[leader.channel]}`);
        await sender.send(leader.address, text);
      } catch (e) {
        error = (e as Error).message.slice(0, 300);
        failures.push(`${leader.channel}: ${error}`);
      }
      await db
        .insert(hotspotPushes)
        .values({ warningId, recipient: leader.recipient, outcome: error ? 'failed' : 'sent', error })
        .onConflictDoUpdate({
          target: [hotspotPushes.warningId, hotspotPushes.recipient],
          set: { outcome: error ? 'failed' : 'sent', error, attempts: sql`${hotspotPushes.attempts} + 1`, updatedAt: sql`now()` },
        });
    }
    if (failures.length > 0) throw new Error(`leader push failed: ${failures.join('; ')}`);
  };
}
