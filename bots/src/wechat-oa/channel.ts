import type { Db } from '@hotline/db';
import type { Dialog } from '../dialog/types.ts';
import type { ChannelAdapter } from '../index.ts';
import type { BotLogger } from '../logger.ts';
import type { WechatOaConfig } from './config.ts';
import { createWechatOfficialAccount } from './official-account.ts';

/** The official account as one of the process's channels (bots/src/index.ts). */
export function wechatOfficialAccountChannel(deps: { config: WechatOaConfig | null; dialog: Dialog; db: Db; logger: BotLogger; now?: (() => Date) | undefined }): ChannelAdapter {
  if (!deps.config) return { network: 'wechat-oa', status: '微信公众号: 未配置（设置 WECHAT_TOKEN、WECHAT_APPID、WECHAT_APPSECRET 启用）' };
  const account = createWechatOfficialAccount({ config: deps.config, dialog: deps.dialog, db: deps.db, logger: deps.logger, ...(deps.now ? { now: deps.now } : {}) });
  return {
    network: 'wechat-oa',
    status: `微信公众号: ${deps.config.aesKey ? '安全模式' : '明文模式'}（GET|POST /webhooks/wechat）`,
    sender: account.sender,
    voice: account.voice,
    mount: (app) => {
      app.route('/', account.app);
    },
    stop: () => account.idle(),
  };
}
