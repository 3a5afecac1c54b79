import { type DialogContext, type DialogState, type Turn, button, cancelButton, isWord, m, say } from '../turn.ts';
import { fileAnyway } from './filing.ts';

/**
 * A follow-up instead of a second ticket: the citizen has an open ticket on
 * the same matter (filing.ts found it before drafting), and chooses between
 * adding the message to it (a public event the unit sees) and filing anew.
 */
export async function supplementText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'supplement' }>, text: string): Promise<void> {
  if (isWord(text, m.words.supplement)) {
    const res = await ctx.api.supplement(state.ticketNo, t.account, state.text, state.voice?.at(-1), t.clientKey);
    t.state = null;
    if (!res.ok) {
      t.out.push(say(m.supplement.failed(res.error.status >= 500 ? m.unavailable : res.error.message), [button(m.buttons.file)]));
      return;
    }
    t.out.push(say(m.supplement.added(state.ticketNo), [button(m.buttons.myTickets)]));
    return;
  }
  if (text === m.buttons.fileAnyway) return fileAnyway(ctx, t, state.text, state.startMessageId, state.voice);
  t.out.push(say(m.supplement.pick, [button(m.buttons.supplement), button(m.buttons.fileAnyway), cancelButton()]));
}
