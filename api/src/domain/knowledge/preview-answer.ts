import { renderAnswer } from '@hotline/knowledge';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { requireEditor } from './internal.ts';

/**
 * WeChat's text messages hold about 2048 bytes (bots/src/wechat-oa/text.ts
 * sends at most 2000 per message); a longer answer reaches the citizen in
 * several messages, which editors want to know before publishing.
 */
export const WECHAT_TEXT_MAX_BYTES = 2_000;

export const PreviewAnswerInput = z.object({
  answer: z.string({ error: '请填写答案' }).max(20_000, '答案不能超过 20000 个字'),
  question: z.string().trim().max(200, '问题不能超过 200 个字').optional(),
});

/**
 * An answer as citizens will see it: the portal's HTML (the same renderer as
 * the public answer page) and the chat message the bots send (the Markdown
 * text with its source line), with its size against WeChat's limit.
 */
export function previewAnswer(ctx: DomainContext, input: z.infer<typeof PreviewAnswerInput>) {
  requireEditor(ctx, '预览答案');
  const answer = input.answer.trim();
  const chatText = input.question ? `${answer}\n\n（来源：${input.question}）` : answer;
  const chatBytes = new TextEncoder().encode(chatText).length;
  return {
    html: renderAnswer(answer),
    chatText,
    chars: [...answer].length,
    chatBytes,
    wechatMaxBytes: WECHAT_TEXT_MAX_BYTES,
    wechatMessages: Math.max(1, Math.ceil(chatBytes / WECHAT_TEXT_MAX_BYTES)),
  };
}
