import type { Db } from '@hotline/db';
import type { BotApiClient, Catalog, TicketChannel } from '../api-client.ts';
import { answeredText, ask, groupMessage, offerText } from './conversations/answer.ts';
import { filingLocation, filingPhoto, filingText, openFiling } from './conversations/filing.ts';
import { ratingText, reopenText, startRating, startReopen } from './conversations/rating.ts';
import { supplementText } from './conversations/supplement.ts';
import { lookup, myTickets, progressText, showOwn, startProgress } from './conversations/tickets.ts';
import { SessionStore } from './session-store.ts';
import { type DialogContext, type DialogState, type Turn, isWord, m, menuButtons, say } from './turn.ts';
import type { Dialog, InboundMessage, Network, OutboundMessage } from './types.ts';

export type { DialogState } from './turn.ts';

export interface DialogOptions {
  api: BotApiClient;
  db: Db;
  /** After this much silence a conversation under way is dropped with a polite message. */
  idleMinutes?: number;
  now?: () => Date;
  /** Record each message id in chat_inbound and ignore repeats (network retries). Default on. */
  dedupe?: boolean;
}

export function ticketChannelOf(network: Network): TicketChannel {
  return network === 'telegram' ? 'telegram' : 'wechat';
}

/** The ticket's channelUserId for a chat account: OA and Wechaty users never collide. */
export function channelUserIdOf(network: Network, chatUserId: string): string {
  return `${network}:${chatUserId}`;
}

/**
 * The channel-neutral conversation. This class only takes messages in
 * (one at a time per chat account, retries dropped), loads and saves the
 * session, handles the words that work at any step and hands the message to
 * its conversation: ./conversations/answer.ts, filing.ts, supplement.ts
 * (a follow-up on an open ticket), tickets.ts (我的工单, 查询进度),
 * rating.ts (评价, 申请重办). Adapters translate network
 * messages to InboundMessages and render what comes back; every call goes to
 * the API.
 */
export class DialogEngine implements Dialog {
  readonly #sessions: SessionStore<DialogState>;
  readonly #now: () => Date;
  readonly #dedupe: boolean;
  readonly #ctx: DialogContext;
  /** Messages of one chat account are handled one after another (the state is read and written per message). */
  readonly #queues = new Map<string, Promise<unknown>>();
  #catalog: { at: number; value: Catalog } | null = null;

  constructor(options: DialogOptions) {
    this.#sessions = new SessionStore<DialogState>(options.db, { idleMs: (options.idleMinutes ?? 30) * 60_000 });
    this.#now = options.now ?? (() => new Date());
    this.#dedupe = options.dedupe ?? true;
    this.#ctx = { api: options.api, catalog: (t) => this.#catalogData(options.api, t) };
  }

  get sessions(): SessionStore<DialogState> {
    return this.#sessions;
  }

  handle(msg: InboundMessage): Promise<OutboundMessage[]> {
    const key = `${msg.network}:${msg.chatUserId}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#handle(msg));
    this.#queues.set(key, run);
    void run
      .finally(() => {
        if (this.#queues.get(key) === run) this.#queues.delete(key);
      })
      .catch(() => undefined);
    return run;
  }

  async #handle(msg: InboundMessage): Promise<OutboundMessage[]> {
    const now = msg.receivedAt ?? this.#now();
    try {
      if (this.#dedupe && !(await this.#sessions.firstTime(msg.network, msg.messageId, now))) return [];
      const channel = ticketChannelOf(msg.network);
      const turn: Turn = {
        msg,
        account: { channel, channelUserId: channelUserIdOf(msg.network, msg.chatUserId) },
        clientKey: `chat:${msg.network}:${msg.chatUserId}`,
        channel,
        now,
        out: [],
        state: null,
      };
      if (msg.inGroup) {
        await groupMessage(this.#ctx, turn);
        return turn.out;
      }
      const loaded = await this.#sessions.load(msg.network, msg.chatUserId, now);
      if (loaded.expired) {
        await this.#sessions.save(msg.network, msg.chatUserId, null, now);
        return [say(m.expired, menuButtons())];
      }
      turn.state = loaded.state;
      await this.#step(turn);
      await this.#sessions.save(msg.network, msg.chatUserId, turn.state, now);
      return turn.out;
    } catch {
      // Never silence: whatever broke, the citizen hears about it (details stay out of logs and chat).
      return [say(m.error)];
    }
  }

  async #step(t: Turn): Promise<void> {
    const ctx = this.#ctx;
    const { msg } = t;
    if (msg.kind === 'start') {
      t.state = null;
      t.out.push(say(m.welcome, menuButtons()));
      return;
    }
    if (msg.kind === 'photo') return filingPhoto(ctx, t);
    if (msg.kind === 'location') return filingLocation(ctx, t);
    if (msg.kind === 'voice') {
      // Speech the network recognised is taken as typed, and the citizen is shown what was understood
      // (the summary before filing shows it again); the recording's id stays with the filing.
      const heard = msg.voice?.recognition?.trim();
      if (!heard) {
        t.out.push(say(m.voice.unreadable, menuButtons()));
        return;
      }
      t.out.push(say(m.voice.heard(heard)));
      await this.#text(t, heard);
      keepVoice(t, msg.voice!.mediaId);
      return;
    }
    const text = (msg.text ?? '').trim();
    if (!text) {
      t.out.push(say(m.notText, menuButtons()));
      return;
    }
    await this.#text(t, text);
  }

  async #text(t: Turn, text: string): Promise<void> {
    const ctx = this.#ctx;
    if (await this.#command(t, text)) return;
    const state = t.state;
    switch (state?.step) {
      case 'answered':
        return answeredText(ctx, t, state, text);
      case 'offer':
        return offerText(ctx, t, state, text);
      case 'filing':
        return filingText(ctx, t, state, text);
      case 'supplement':
        return supplementText(ctx, t, state, text);
      case 'progress':
        return progressText(ctx, t, state, text);
      case 'rating':
        return ratingText(ctx, t, state, text);
      case 'reopen':
        return reopenText(ctx, t, state, text);
      default:
        return ask(ctx, t, text);
    }
  }

  /** Words that work at any step. Returns whether the text was one. */
  async #command(t: Turn, text: string): Promise<boolean> {
    const ctx = this.#ctx;
    if (isWord(text, m.words.cancel)) {
      t.out.push(say(t.state ? m.cancelled : m.nothingToCancel, menuButtons()));
      t.state = null;
      return true;
    }
    const leaving = t.state?.step === 'filing';
    const leave = () => {
      // A filing the citizen walks away from is not kept half-done: say so rather than drop it silently.
      if (leaving) t.out.push(say(m.filingLeft));
    };
    if (isWord(text, m.words.help)) {
      leave();
      t.state = null;
      t.out.push(say(m.help, menuButtons()));
      return true;
    }
    if (isWord(text, m.words.myTickets)) {
      leave();
      t.state = null;
      await myTickets(ctx, t);
      return true;
    }
    if (isWord(text, m.words.ask)) {
      leave();
      t.state = null;
      t.out.push(say(m.askPrompt));
      return true;
    }
    if (isWord(text, m.words.progress)) {
      leave();
      startProgress(t);
      return true;
    }
    // "我要反映" starts a filing, except where it answers an offer or an answer (then the question is the content).
    if (t.state?.step !== 'offer' && t.state?.step !== 'answered' && isWord(text, m.words.startFiling)) {
      openFiling(t);
      return true;
    }
    const ticketCommand = text.match(/^(查看|评价|申请重办)\s*(\d{12,20})$/);
    if (ticketCommand) {
      const [, verb, ticketNo] = ticketCommand as unknown as [string, string, string];
      const queryCode = t.state?.step === 'viewed' && t.state.ticketNo === ticketNo ? t.state.queryCode : undefined;
      if (verb === '查看') await showOwn(ctx, t, ticketNo);
      else if (verb === '评价') startRating(t, ticketNo, queryCode);
      else await startReopen(ctx, t, ticketNo, queryCode);
      return true;
    }
    const both = text.match(/^(\d{12,20})[\s,，、]+(\d{8})$/);
    if (both) {
      await lookup(ctx, t, both[1]!, both[2]!);
      return true;
    }
    return false;
  }

  async #catalogData(api: BotApiClient, t: Turn): Promise<Catalog> {
    if (this.#catalog && t.now.getTime() - this.#catalog.at < 5 * 60_000 && this.#catalog.at <= t.now.getTime()) return this.#catalog.value;
    const res = await api.catalog(t.clientKey);
    if (!res.ok) throw new Error('catalog unavailable');
    this.#catalog = { at: t.now.getTime(), value: res.data };
    return res.data;
  }
}

/** A voice message's media id, kept with the filing or supplement it spoke to (at most five). */
function keepVoice(t: Turn, mediaId: string): void {
  const state = t.state;
  if (state?.step === 'filing' || state?.step === 'supplement') state.voice = [...(state.voice ?? []), mediaId].slice(-5);
}
