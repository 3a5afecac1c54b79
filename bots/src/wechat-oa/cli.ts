/**
 * `npm run wechat -- menu`: sets the official account's custom menu (问答,
 * 我要反映, 我的工单) through WeChat's menu API, with the account's
 * WECHAT_* environment variables (WECHAT_API_BASE points it elsewhere).
 */
import { WechatApi } from './api-client.ts';
import { loadWechatOaConfig } from './config.ts';
import { OFFICIAL_ACCOUNT_MENU, setOfficialAccountMenu } from './menu.ts';

export async function runWechatCli(args: string[], env: Record<string, string | undefined> = process.env, out: (line: string) => void = console.log): Promise<number> {
  const [command] = args;
  if (command !== 'menu') {
    out('用法：npm run wechat -- menu    设置公众号自定义菜单（问答、我要反映、我的工单）');
    return 2;
  }
  const config = loadWechatOaConfig(env);
  if (!config) {
    out('微信公众号未配置：请设置 WECHAT_TOKEN、WECHAT_APPID、WECHAT_APPSECRET');
    return 1;
  }
  const api = new WechatApi({ apiBase: config.apiBase, appId: config.appId, appSecret: config.appSecret });
  await setOfficialAccountMenu(api);
  out(`公众号菜单已设置：${OFFICIAL_ACCOUNT_MENU.button.map((b) => b.name).join('、')}`);
  return 0;
}

if (import.meta.main) {
  runWechatCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`设置失败：${(error as Error).message}`);
      process.exit(1);
    },
  );
}
