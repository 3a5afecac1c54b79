/** Citizen-facing copy of the WeChat adapters (the dialog's own copy is in bots/src/messages). */
export const WECHAT_COPY = {
  replyWithNumber: '（请回复序号选择）',
  unsupportedType: '抱歉，这里暂时只能处理文字、图片和位置消息。请用文字描述您的问题。',
  /** A voice message WeChat did not recognise (speech recognition off, or nothing understood). */
  voiceUnreadable: '抱歉，暂时还听不懂这条语音。请打字告诉我（点输入框左边的键盘图标可以切换成文字输入），或直接拨打 12345 热线，话务员会帮您。',
  failed: '抱歉，系统暂时出了点问题，请稍后再试，或拨打 12345 热线。',
  /** A template message field holds 20 characters. */
  templateNotice: '您反映的事项有新进展，请发送“我的工单”查看',
} as const;
