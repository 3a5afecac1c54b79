import type { Dialog } from '../dialog/types.ts';
import type { ChannelAdapter } from '../index.ts';
import type { BotLogger } from '../logger.ts';
import type { WechatyConfig } from './config.ts';
import { createWechatyBot } from './wechaty-bot.ts';

/** The Wechaty bot as one of the process's channels (bots/src/index.ts). */
export function wechatyChannel(deps: { config: WechatyConfig | null; dialog: Dialog; logger: BotLogger }): ChannelAdapter {
  if (!deps.config) return { network: 'wechaty', status: '微信个人号(Wechaty): 未配置（设置 WECHATY_PUPPET 启用）' };
  const bot = createWechatyBot({ dialog: deps.dialog, puppet: deps.config, logger: deps.logger });
  return {
    network: 'wechaty',
    status: `微信个人号(Wechaty): ${deps.config.puppet}（登录二维码见日志）`,
    sender: bot.sender,
    async start() {
      // A puppet that cannot start (network, token) must not take the other channels down.
      await bot.start().catch((error: Error) => deps.logger.error('wechaty did not start', { error: error.message }));
    },
    async stop() {
      await bot.idle();
      await bot.stop().catch(() => undefined);
    },
  };
}
