import type { ApiResult, CitizenTicket, Rating } from '../../api-client.ts';
import type { ChatButton } from '../types.ts';
import { type DialogContext, type DialogState, type Satisfaction, type Turn, button, cancelButton, isWord, m, say } from '../turn.ts';

/** 评价 and 申请重办: a rating in three questions, a reopen request with its reason. */

export function startRating(t: Turn, ticketNo: string, queryCode: string | undefined): void {
  t.state = { step: 'rating', ticketNo, need: 'process', ...(queryCode ? { queryCode } : {}) };
  t.out.push(say(m.rating.askProcess, satisfactionButtons()));
}

export async function ratingText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'rating' }>, text: string): Promise<void> {
  if (state.need === 'process' || state.need === 'result') {
    const level = satisfactionOf(text);
    if (!level) {
      t.out.push(say(m.rating.pick, satisfactionButtons()));
      return;
    }
    if (state.need === 'process') {
      t.state = { ...state, need: 'result', process: level };
      t.out.push(say(m.rating.askResult, satisfactionButtons()));
    } else {
      t.state = { ...state, need: 'resolved', result: level };
      t.out.push(say(m.rating.askResolved, [button(m.buttons.resolvedYes), button(m.buttons.resolvedNo), cancelButton()]));
    }
    return;
  }
  const resolved = text === m.buttons.resolvedYes || isWord(text, m.words.solved) ? true : text === m.buttons.resolvedNo || isWord(text, m.words.notSolved) ? false : null;
  if (resolved === null) {
    t.out.push(say(m.rating.pick, [button(m.buttons.resolvedYes), button(m.buttons.resolvedNo), cancelButton()]));
    return;
  }
  const res = await rate(ctx, t, state.ticketNo, state.queryCode, { processSatisfaction: state.process!, resultSatisfaction: state.result!, resolved });
  t.state = null;
  if (!res.ok) {
    t.out.push(say(m.rating.failed(res.error.status >= 500 ? m.unavailable : res.error.message)));
    return;
  }
  t.out.push(say(res.data.status === 'closed' ? m.rating.thanks : m.rating.reopened));
}

export async function startReopen(ctx: DialogContext, t: Turn, ticketNo: string, queryCode: string | undefined): Promise<void> {
  const view = queryCode ? await ctx.api.lookup(ticketNo, queryCode, t.clientKey) : await ctx.api.chatTicket(ticketNo, t.account, t.clientKey);
  if (!view.ok) {
    if (view.error.status === 404 && !queryCode) {
      t.state = { step: 'progress', need: 'queryCode', ticketNo };
      t.out.push(say(m.progress.askQueryCode, [cancelButton()]));
      return;
    }
    t.out.push(say(view.error.status >= 500 ? m.unavailable : view.error.message));
    return;
  }
  if (!view.data.canRate || !view.data.unsatisfiedReopens) {
    t.state = null;
    t.out.push(say(view.data.canRate ? m.rating.reopenNotAllowed : m.progress.view(view.data)));
    return;
  }
  t.state = { step: 'reopen', ticketNo, ...(queryCode ? { queryCode } : {}) };
  t.out.push(say(m.rating.askReason, [cancelButton()]));
}

export async function reopenText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'reopen' }>, text: string): Promise<void> {
  if ([...text].length > 500) {
    t.out.push(say(m.rating.reasonTooLong, [cancelButton()]));
    return;
  }
  // As on the portal: a reopen request is an unsatisfied rating with its reason.
  const res = await rate(ctx, t, state.ticketNo, state.queryCode, { processSatisfaction: 'unsatisfied', resultSatisfaction: 'unsatisfied', resolved: false, comment: text });
  t.state = null;
  if (!res.ok) {
    t.out.push(say(m.rating.failed(res.error.status >= 500 ? m.unavailable : res.error.message)));
    return;
  }
  t.out.push(say(res.data.status === 'closed' ? m.rating.reopenNotAllowed : m.rating.reopenRequested));
}

function rate(ctx: DialogContext, t: Turn, ticketNo: string, queryCode: string | undefined, rating: Rating): Promise<ApiResult<CitizenTicket>> {
  return queryCode ? ctx.api.rate(ticketNo, queryCode, rating, t.clientKey) : ctx.api.chatRate(ticketNo, t.account, rating, t.clientKey);
}

function satisfactionButtons(): ChatButton[] {
  return [button(m.buttons.satisfied), button(m.buttons.basicallySatisfied), button(m.buttons.unsatisfied), cancelButton()];
}

function satisfactionOf(text: string): Satisfaction | null {
  if (text === m.buttons.satisfied) return 'satisfied';
  if (text === m.buttons.basicallySatisfied) return 'basically_satisfied';
  if (text === m.buttons.unsatisfied) return 'unsatisfied';
  return null;
}
