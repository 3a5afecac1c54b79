import { type DialogContext, type DialogState, type Turn, button, isWord, m, menuButtons, say } from '../turn.ts';
import { startFiling } from './filing.ts';

/**
 * Answers: a question goes to the knowledge base; a confident answer asks
 * "解决了吗？", anything else offers to file the question as a ticket.
 */

export function answerText(answer: string, source: string | undefined): string {
  return source ? `${answer}\n\n${m.answer.source(source)}` : answer;
}

export async function ask(ctx: DialogContext, t: Turn, text: string): Promise<void> {
  t.state = null;
  if ([...text].filter((ch) => /\p{L}/u.test(ch)).length < 2) {
    // A number or a symbol on its own: most likely a menu choice that no longer applies.
    t.out.push(say(m.noWords, menuButtons()));
    return;
  }
  const question = text.slice(0, 500);
  const res = await ctx.api.answer(question, t.channel, t.clientKey);
  if (!res.ok) {
    if (res.error.status >= 500) {
      t.out.push(say(m.unavailable));
      return;
    }
    t.out.push(say(res.error.message));
    return;
  }
  const answer = res.data;
  if (answer.emergency) t.out.push(say(`${m.emergency[answer.emergency]}\n${m.emergency.after}`));
  const source = answer.sources[0];
  if (answer.confident && source) {
    t.out.push(say(answerText(answer.answer, source.question)));
    // A complaint or report that an entry explains: the citizen may well want it handled, so filing is offered at once.
    const buttons = [button(m.buttons.solved), button(m.buttons.notSolved), ...(answer.suggestFiling ? [button(m.buttons.file)] : [])];
    t.out.push(say(answer.suggestFiling ? m.answer.solvedOrFile : m.answer.solvedQuestion, buttons));
    t.state = { step: 'answered', question, entryId: source.id };
    return;
  }
  if (answer.emergency) {
    // The number to call is the whole answer: no "not found", no offer to file while someone is in danger.
    return;
  }
  t.out.push(say(`${answer.searchAvailable ? m.answer.notFound : m.answer.searchDown}\n${m.answer.offerFiling}`, [button(m.buttons.file), button(m.buttons.noThanks)]));
  t.state = { step: 'offer', text: question };
}

/** After an answer: 解决了 / 没解决 / 我要反映, or a new question. */
export async function answeredText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'answered' }>, text: string): Promise<void> {
  if (isWord(text, m.words.solved)) {
    await ctx.api.feedback({ entryId: state.entryId, helpful: true, question: state.question }, t.channel, t.clientKey);
    t.state = null;
    t.out.push(say(m.answer.glad));
    return;
  }
  if (isWord(text, m.words.notSolved)) {
    await ctx.api.feedback({ entryId: state.entryId, helpful: false, question: state.question }, t.channel, t.clientKey);
    t.state = { step: 'offer', text: state.question };
    t.out.push(say(m.answer.offerFiling, [button(m.buttons.file), button(m.buttons.noThanks)]));
    return;
  }
  // Only the explicit words here: a bare "好" after an answer means thanks, not "file it".
  if (isWord(text, m.words.startFiling)) return startFiling(ctx, t, state.question);
  return ask(ctx, t, text);
}

/** After "file this?": yes files the question, no ends, anything else is a new question. */
export async function offerText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'offer' }>, text: string): Promise<void> {
  if (isWord(text, m.words.file)) return startFiling(ctx, t, state.text);
  if (isWord(text, m.words.noThanks)) {
    t.state = null;
    t.out.push(say(m.answer.declined));
    return;
  }
  return ask(ctx, t, text);
}

/** In a group (社区群) the bot only answers questions. */
export async function groupMessage(ctx: DialogContext, t: Turn): Promise<void> {
  const text = t.msg.text?.trim() ?? '';
  if (t.msg.kind === 'start' || !text || isWord(text, m.words.help)) {
    t.out.push(say(m.groupHelp));
    return;
  }
  if (t.msg.kind !== 'text') return;
  const res = await ctx.api.answer(text.slice(0, 500), t.channel, t.clientKey);
  if (!res.ok) {
    t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
    return;
  }
  if (res.data.emergency) t.out.push(say(m.emergency[res.data.emergency]));
  if (res.data.confident) t.out.push(say(answerText(res.data.answer, res.data.sources[0]?.question)));
  else t.out.push(say(m.answer.groupNotFound));
}
