import type { WechatApi } from './api-client.ts';

/**
 * The official account's custom menu (自定义菜单): three buttons whose clicks
 * WeChat pushes as CLICK events with their key. Each key stands for the words
 * the citizen could have typed, so the dialog handles a click as that text.
 */
export const MENU_KEYS = {
  HOTLINE_ASK: '问答',
  HOTLINE_FILE: '我要反映',
  HOTLINE_MY_TICKETS: '我的工单',
} as const;

export type MenuKey = keyof typeof MENU_KEYS;

/** The body of POST /cgi-bin/menu/create. */
export const OFFICIAL_ACCOUNT_MENU = {
  button: (Object.entries(MENU_KEYS) as [MenuKey, string][]).map(([key, name]) => ({ type: 'click', name, key })),
};

/** The words a menu click stands for, or undefined for a key that is not ours. */
export function menuText(key: string | undefined): string | undefined {
  return key && Object.hasOwn(MENU_KEYS, key) ? MENU_KEYS[key as MenuKey] : undefined;
}

export function setOfficialAccountMenu(api: WechatApi): Promise<void> {
  return api.createMenu(OFFICIAL_ACCOUNT_MENU);
}
