import { createHash } from 'node:crypto';
import type { Db } from '@hotline/db';
import type { ApiResult, BotApiClient, Catalog, ChatAccount, CitizenTicket, DraftLocation, IntakeDraft, Rating, TicketChannel, TicketFiling } from '../api-client.ts';
import { zhCN } from '../messages/zh-CN.ts';
import { SessionStore } from './session-store.ts';
import type { ChatButton, Dialog, InboundMessage, Network, OutboundMessage } from './types.ts';

const m = zhCN;
const MAX_PHOTOS = 6;
const TICKET_NO = /^\d{12,20}$/;
const QUERY_CODE = /^\d{8}$/;
const PHONE = /(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8})/;

type Satisfaction = Rating['processSatisfaction'];

interface FilingState {
  step: 'filing';
  need: 'description' | 'district' | 'street' | 'time' | 'contact' | 'photos' | 'confirm';
  /** The message that started the filing: the idempotency key derives from it. */
  startMessageId: string;
  draft: IntakeDraft['draft'] | null;
  occurred?: { label: string; at?: string };
  contact?: { name?: string; phone: string };
  anonymous?: boolean;
  photosAsked?: boolean;
  /** The citizen has answered the place question once: an address without a district will do. */
  placeAsked?: boolean;
  photos: string[];
}

/** The conversation between messages (stored as JSON in chat_sessions). */
export type DialogState =
  | { step: 'answered'; question: string; entryId: string }
  | { step: 'offer'; text: string }
  | FilingState
  | { step: 'progress'; need: 'ticketNo' | 'queryCode'; ticketNo?: string }
  | { step: 'viewed'; ticketNo: string; queryCode: string }
  | { step: 'rating'; ticketNo: string; queryCode?: string; need: 'process' | 'result' | 'resolved'; process?: Satisfaction; result?: Satisfaction }
  | { step: 'reopen'; ticketNo: string; queryCode?: string };

export interface DialogOptions {
  api: BotApiClient;
  db: Db;
  /** After this much silence a conversation under way is dropped with a polite message. */
  idleMinutes?: number;
  now?: () => Date;
  /** Record each message id in chat_inbound and ignore repeats (network retries). Default on. */
  dedupe?: boolean;
}

interface Turn {
  msg: InboundMessage;
  account: ChatAccount;
  clientKey: string;
  channel: TicketChannel;
  now: Date;
  out: OutboundMessage[];
  state: DialogState | null;
}

const say = (text: string, buttons?: ChatButton[]): OutboundMessage => (buttons && buttons.length > 0 ? { text, buttons } : { text });
const button = (label: string, reply = label): ChatButton => ({ label, reply });
const isWord = (text: string, words: readonly string[]) => words.includes(text.trim().toLowerCase());
const menuButtons = () => [button(m.buttons.file), button(m.buttons.myTickets), button(m.buttons.progress)];
const cancelButton = () => button(m.buttons.cancel);

export function ticketChannelOf(network: Network): TicketChannel {
  return network === 'telegram' ? 'telegram' : 'wechat';
}

/** The ticket's channelUserId for a chat account: OA and Wechaty users never collide. */
export function channelUserIdOf(network: Network, chatUserId: string): string {
  return `${network}:${chatUserId}`;
}

/**
 * The channel-neutral conversation: answers, filing in conversation,
 * progress, rating. Adapters translate network messages to InboundMessages
 * and render what comes back; every call goes to the API.
 */
export class DialogEngine implements Dialog {
  readonly #api: BotApiClient;
  readonly #sessions: SessionStore<DialogState>;
  readonly #now: () => Date;
  readonly #dedupe: boolean;
  /** Messages of one chat account are handled one after another (the state is read and written per message). */
  readonly #queues = new Map<string, Promise<unknown>>();
  #catalog: { at: number; value: Catalog } | null = null;

  constructor(options: DialogOptions) {
    this.#api = options.api;
    this.#sessions = new SessionStore<DialogState>(options.db, { idleMs: (options.idleMinutes ?? 30) * 60_000 });
    this.#now = options.now ?? (() => new Date());
    this.#dedupe = options.dedupe ?? true;
  }

  get sessions(): SessionStore<DialogState> {
    return this.#sessions;
  }

  handle(msg: InboundMessage): Promise<OutboundMessage[]> {
    const key = `${msg.network}:${msg.chatUserId}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#handle(msg));
    this.#queues.set(key, run);
    void run.finally(() => {
      if (this.#queues.get(key) === run) this.#queues.delete(key);
    }).catch(() => undefined);
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
        await this.#group(turn);
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

  // ─── groups: answers only ────────────────────────────────────────────────

  async #group(t: Turn): Promise<void> {
    const text = t.msg.text?.trim() ?? '';
    if (t.msg.kind === 'start' || !text || isWord(text, m.words.help)) {
      t.out.push(say(m.groupHelp));
      return;
    }
    if (t.msg.kind !== 'text') return;
    const res = await this.#api.answer(text.slice(0, 500), t.channel, t.clientKey);
    if (!res.ok) {
      t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
      return;
    }
    if (res.data.emergency) t.out.push(say(m.emergency[res.data.emergency]));
    if (res.data.confident) t.out.push(say(answerText(res.data.answer, res.data.sources[0]?.question)));
    else t.out.push(say(m.answer.groupNotFound));
  }

  // ─── private chats ───────────────────────────────────────────────────────

  async #step(t: Turn): Promise<void> {
    const { msg } = t;
    if (msg.kind === 'start') {
      t.state = null;
      t.out.push(say(m.welcome, menuButtons()));
      return;
    }
    if (msg.kind === 'photo') return this.#photo(t);
    if (msg.kind === 'location') return this.#location(t);
    const text = (msg.text ?? '').trim();
    if (!text) {
      t.out.push(say(m.notText, menuButtons()));
      return;
    }
    if (await this.#command(t, text)) return;
    const state = t.state;
    switch (state?.step) {
      case 'answered':
        if (isWord(text, m.words.solved)) {
          await this.#api.feedback({ entryId: state.entryId, helpful: true, question: state.question }, t.channel, t.clientKey);
          t.state = null;
          t.out.push(say(m.answer.glad));
          return;
        }
        if (isWord(text, m.words.notSolved)) {
          await this.#api.feedback({ entryId: state.entryId, helpful: false, question: state.question }, t.channel, t.clientKey);
          t.state = { step: 'offer', text: state.question };
          t.out.push(say(m.answer.offerFiling, [button(m.buttons.file), button(m.buttons.noThanks)]));
          return;
        }
        // Only the explicit words here: a bare "好" after an answer means thanks, not "file it".
        if (isWord(text, m.words.startFiling)) return this.#startFiling(t, state.question);
        return this.#ask(t, text);
      case 'offer':
        if (isWord(text, m.words.file)) return this.#startFiling(t, state.text);
        if (isWord(text, m.words.noThanks)) {
          t.state = null;
          t.out.push(say(m.answer.declined));
          return;
        }
        return this.#ask(t, text);
      case 'filing':
        return this.#filingText(t, state, text);
      case 'progress':
        return this.#progressText(t, state, text);
      case 'rating':
        return this.#ratingText(t, state, text);
      case 'reopen':
        return this.#reopenText(t, state, text);
      default:
        return this.#ask(t, text);
    }
  }

  /** Words that work at any step. Returns whether the text was one. */
  async #command(t: Turn, text: string): Promise<boolean> {
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
      await this.#myTickets(t);
      return true;
    }
    if (isWord(text, m.words.progress)) {
      leave();
      t.state = { step: 'progress', need: 'ticketNo' };
      t.out.push(say(m.progress.askTicketNo, [cancelButton()]));
      return true;
    }
    // "我要反映" starts a filing, except where it answers an offer or an answer (then the question is the content).
    if (t.state?.step !== 'offer' && t.state?.step !== 'answered' && isWord(text, m.words.startFiling)) {
      t.state = { step: 'filing', need: 'description', startMessageId: t.msg.messageId, draft: null, photos: [] };
      t.out.push(say(m.filing.start, [cancelButton()]));
      return true;
    }
    const ticketCommand = text.match(/^(查看|评价|申请重办)\s*(\d{12,20})$/);
    if (ticketCommand) {
      const [, verb, ticketNo] = ticketCommand as unknown as [string, string, string];
      const queryCode = t.state?.step === 'viewed' && t.state.ticketNo === ticketNo ? t.state.queryCode : undefined;
      if (verb === '查看') await this.#showOwn(t, ticketNo);
      else if (verb === '评价') {
        t.state = { step: 'rating', ticketNo, need: 'process', ...(queryCode ? { queryCode } : {}) };
        t.out.push(say(m.rating.askProcess, satisfactionButtons()));
      } else await this.#startReopen(t, ticketNo, queryCode);
      return true;
    }
    const both = text.match(/^(\d{12,20})[\s,，、]+(\d{8})$/);
    if (both) {
      await this.#lookup(t, both[1]!, both[2]!);
      return true;
    }
    return false;
  }

  // ─── answers ─────────────────────────────────────────────────────────────

  async #ask(t: Turn, text: string): Promise<void> {
    t.state = null;
    if ([...text].filter((ch) => /\p{L}/u.test(ch)).length < 2) {
      // A number or a symbol on its own: most likely a menu choice that no longer applies.
      t.out.push(say(m.noWords, menuButtons()));
      return;
    }
    const question = text.slice(0, 500);
    const res = await this.#api.answer(question, t.channel, t.clientKey);
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

  // ─── filing ──────────────────────────────────────────────────────────────

  async #startFiling(t: Turn, text: string): Promise<void> {
    const filing: FilingState = { step: 'filing', need: 'description', startMessageId: t.msg.messageId, draft: null, photos: [] };
    t.state = filing;
    await this.#describe(t, filing, text);
  }

  /** The citizen's account of what happened goes through the intake draft. */
  async #describe(t: Turn, filing: FilingState, text: string): Promise<void> {
    if ([...text.trim()].length < 2) {
      filing.need = 'description';
      t.out.push(say(m.filing.tooShort, [cancelButton()]));
      return;
    }
    if (filing.draft) {
      // A correction of the content keeps what was already asked.
      filing.draft.description = text.slice(0, 5000);
      return this.#next(t, filing);
    }
    const res = await this.#api.draft(text.slice(0, 5000), t.channel, t.clientKey);
    if (!res.ok) {
      t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message, [cancelButton()]));
      return;
    }
    if (res.data.emergency) t.out.push(say(`${res.data.emergencyAdvice ?? m.emergency[res.data.emergency]}\n${m.emergency.after}`));
    filing.draft = res.data.draft;
    return this.#next(t, filing);
  }

  /** Asks for the first thing still missing, or shows the summary. */
  async #next(t: Turn, filing: FilingState): Promise<void> {
    const draft = filing.draft!;
    const loc = draft.location ?? {};
    // The district decides who handles it: asked for even when the text named a street address.
    if (draft.type !== 'consultation' && !loc.district && !(filing.placeAsked && (loc.address || loc.lat !== undefined))) {
      filing.need = 'district';
      const catalog = await this.#catalogData(t);
      t.out.push(say(m.filing.askDistrict, [...catalog.districts.map((d) => button(d.name)), cancelButton()]));
      return;
    }
    if (!filing.occurred) {
      filing.need = 'time';
      t.out.push(
        say(m.filing.askTime, [button(m.buttons.now), button(m.buttons.today), button(m.buttons.yesterday), button(m.buttons.ongoing), button(m.buttons.skip), cancelButton()]),
      );
      return;
    }
    if (!filing.contact && !filing.anonymous) {
      filing.need = 'contact';
      t.out.push(say(m.filing.askContact, [button(m.buttons.anonymous), cancelButton()]));
      return;
    }
    if (!filing.photosAsked) {
      filing.photosAsked = true;
      filing.need = 'photos';
      t.out.push(say(m.filing.askPhotos, [button(m.buttons.done), cancelButton()]));
      return;
    }
    filing.need = 'confirm';
    t.out.push(await this.#summary(t, filing));
  }

  async #summary(t: Turn, filing: FilingState): Promise<OutboundMessage> {
    const draft = filing.draft!;
    const typeLabel = (await this.#catalogData(t)).types.find((type) => type.code === draft.type)?.label ?? draft.type;
    const lines: string[] = [m.filing.summaryTitle, m.filing.summaryType(typeLabel), m.filing.summaryContent(clip(draft.description, 300))];
    const place = await this.#placeText(t, draft.location);
    if (place) lines.push(m.filing.summaryLocation(place));
    lines.push(m.filing.summaryTime(filing.occurred?.label ?? m.filing.unknownTime));
    if (filing.anonymous) lines.push(m.filing.summaryAnonymous);
    else if (filing.contact) lines.push(m.filing.summaryContact([filing.contact.name, filing.contact.phone].filter(Boolean).join(' ')));
    if (filing.photos.length > 0) lines.push(m.filing.summaryPhotos(filing.photos.length));
    if (draft.urgency === 'urgent') lines.push(m.filing.summaryUrgent);
    lines.push('', m.filing.summaryHint);
    return say(lines.join('\n'), [
      button(m.buttons.confirm),
      button(m.buttons.editDescription),
      button(m.buttons.editLocation),
      button(m.buttons.editContact),
      cancelButton(),
    ]);
  }

  async #filingText(t: Turn, filing: FilingState, text: string): Promise<void> {
    switch (filing.need) {
      case 'description':
        return this.#describe(t, filing, text);
      case 'district': {
        filing.placeAsked = true;
        const catalog = await this.#catalogData(t);
        const district = catalog.districts.find((d) => text.includes(d.name) || (d.name.length > 2 && text.includes(d.name.replace(/[区县市]$/, ''))));
        const loc: DraftLocation = { ...filing.draft!.location };
        if (district) {
          loc.district = district.code;
          const street = district.streets.find((s) => text.includes(s.name));
          if (street) loc.street = street.code;
          if (text !== district.name) loc.address = text.slice(0, 200);
          filing.draft!.location = loc;
          if (!street && text === district.name && district.streets.length > 0) {
            filing.need = 'street';
            t.out.push(streetQuestion(district));
            return;
          }
          return this.#next(t, filing);
        }
        if ([...text].length >= 4) {
          loc.address = text.slice(0, 200);
          filing.draft!.location = loc;
          return this.#next(t, filing);
        }
        t.out.push(say(m.filing.unknownDistrict, [...catalog.districts.map((d) => button(d.name)), cancelButton()]));
        return;
      }
      case 'street': {
        const catalog = await this.#catalogData(t);
        const loc: DraftLocation = { ...filing.draft!.location };
        const district = catalog.districts.find((d) => d.code === loc.district);
        const street = district?.streets.find((s) => text.includes(s.name));
        if (street) loc.street = street.code;
        else if (isWord(text, [...m.words.confirm, ...m.words.done, ...m.words.anonymous])) {
          // A button word from another step is not an address: ask for the street again.
          t.out.push(streetQuestion(district));
          return;
        } else if (text !== m.buttons.skipStreet && !isWord(text, m.words.skip)) loc.address = text.slice(0, 200);
        filing.draft!.location = loc;
        return this.#next(t, filing);
      }
      case 'time': {
        const day = 24 * 3600_000;
        if (text === m.buttons.now || text === m.buttons.today) filing.occurred = { label: text, at: t.now.toISOString() };
        else if (text === m.buttons.yesterday) filing.occurred = { label: text, at: new Date(t.now.getTime() - day).toISOString() };
        else if (isWord(text, m.words.skip)) filing.occurred = { label: m.filing.unknownTime };
        else filing.occurred = { label: clip(text, 50) };
        return this.#next(t, filing);
      }
      case 'contact': {
        if (isWord(text, m.words.anonymous)) {
          filing.anonymous = true;
          delete filing.contact;
          return this.#next(t, filing);
        }
        const phone = text.replace(/[\s-]/g, '').match(PHONE)?.[0];
        if (!phone) {
          t.out.push(say(m.filing.badContact, [button(m.buttons.anonymous), cancelButton()]));
          return;
        }
        const name = text
          .replace(/[\d-]{7,}/g, '')
          .replace(/(姓名|名字|电话|手机|手机号|号码|联系方式|我叫|我是)[:：是]?/g, '')
          .replace(/[\s,，。:：;；]/g, '')
          .slice(0, 30);
        filing.contact = { phone, ...(name ? { name } : {}) };
        filing.anonymous = false;
        return this.#next(t, filing);
      }
      case 'photos':
        if (isWord(text, m.words.done) || isWord(text, m.words.skip)) return this.#next(t, filing);
        t.out.push(say(m.filing.askPhotos, [button(m.buttons.done), cancelButton()]));
        return;
      case 'confirm':
        if (isWord(text, m.words.confirm)) return this.#submit(t, filing);
        if (text === m.buttons.editDescription) {
          filing.need = 'description';
          t.out.push(say(m.filing.askDescription, [cancelButton()]));
          return;
        }
        if (text === m.buttons.editLocation) {
          filing.draft!.location = {};
          filing.placeAsked = false;
          filing.draft!.type = filing.draft!.type === 'consultation' ? 'help' : filing.draft!.type;
          return this.#next(t, filing);
        }
        if (text === m.buttons.editContact) {
          delete filing.contact;
          delete filing.anonymous;
          return this.#next(t, filing);
        }
        t.out.push(await this.#summary(t, filing), say(m.filing.confirmFirst));
        return;
    }
  }

  async #submit(t: Turn, filing: FilingState): Promise<void> {
    const draft = filing.draft!;
    const location = cleanLocation(draft.location);
    const body: TicketFiling = {
      type: draft.type,
      ...(draft.category ? { category: draft.category } : {}),
      ...(draft.title ? { title: draft.title } : {}),
      description: draft.description,
      ...(location ? { location } : {}),
      ...(filing.occurred?.at ? { occurredAt: filing.occurred.at } : {}),
      ...(filing.anonymous ? { anonymous: true } : { anonymous: false, ...(filing.contact ? { contact: filing.contact } : {}) }),
      urgency: draft.urgency,
      channel: t.channel,
      channelUserId: t.account.channelUserId,
      ...(filing.photos.length > 0 ? { photos: filing.photos } : {}),
    };
    // The same filing confirmed twice (a double tap, a retried message) is one ticket.
    const key = `chat-${createHash('sha256').update(`${t.msg.network}\n${t.msg.chatUserId}\n${filing.startMessageId}`).digest('hex').slice(0, 48)}`;
    const res = await this.#api.fileTicket(body, key, t.clientKey);
    if (res.ok) {
      t.state = null;
      t.out.push(say(m.filing.submitted(res.data.ticketNo, res.data.queryCode), [button(m.buttons.myTickets)]));
      return;
    }
    if (res.error.status >= 500) {
      t.out.push(say(m.filing.failed(m.unavailable), [button(m.buttons.confirm), cancelButton()]));
      return;
    }
    const details = Array.isArray(res.error.details) ? res.error.details : [];
    const path = details[0]?.path ?? '';
    t.out.push(say(m.filing.failed(res.error.message)));
    if (path.startsWith('location')) {
      filing.draft!.location = {};
      filing.placeAsked = false;
      return this.#next(t, filing);
    }
    if (path.startsWith('contact')) {
      delete filing.contact;
      delete filing.anonymous;
      return this.#next(t, filing);
    }
    if (path === 'description' || path === 'title') {
      filing.need = 'description';
      t.out.push(say(m.filing.askDescription, [cancelButton()]));
      return;
    }
    if (res.error.status === 429 || res.error.status === 403) t.state = null;
    else t.out.push(say(m.filing.confirmFirst, [button(m.buttons.confirm), cancelButton()]));
  }

  async #photo(t: Turn): Promise<void> {
    const filing = t.state?.step === 'filing' ? t.state : null;
    if (!filing || !filing.draft) {
      t.out.push(say(filing ? m.filing.start : m.filing.photoNotNow, filing ? [cancelButton()] : [button(m.buttons.file)]));
      return;
    }
    if (filing.photos.length >= MAX_PHOTOS) {
      t.out.push(say(m.filing.photoLimit, [button(m.buttons.done)]));
      return;
    }
    let photo: { bytes: Uint8Array; mimeType: string };
    try {
      photo = await t.msg.photo!.download();
    } catch (error) {
      t.out.push(say(m.filing.photoFailed((error as Error).message || m.error)));
      return;
    }
    const res = await this.#api.upload(photo.bytes, photo.mimeType, t.clientKey);
    if (!res.ok) {
      t.out.push(say(m.filing.photoFailed(res.error.status >= 500 ? m.unavailable : res.error.message)));
      return;
    }
    filing.photos.push(res.data.uploadId);
    t.out.push(say(m.filing.photoReceived(filing.photos.length), [button(m.buttons.done)]));
    if (filing.need === 'confirm') t.out.push(await this.#summary(t, filing));
  }

  async #location(t: Turn): Promise<void> {
    const filing = t.state?.step === 'filing' ? t.state : null;
    const point = t.msg.location;
    if (!filing?.draft || !point || (filing.need !== 'district' && filing.need !== 'street')) {
      t.out.push(say(m.help, menuButtons()));
      return;
    }
    filing.placeAsked = true;
    const catalog = await this.#catalogData(t);
    const label = point.label?.trim();
    const district = label ? catalog.districts.find((d) => label.includes(d.name)) : undefined;
    const street = district && label ? district.streets.find((s) => label.includes(s.name)) : undefined;
    filing.draft.location = {
      ...filing.draft.location,
      lat: point.lat,
      lng: point.lng,
      address: (label || m.filing.location(point.lat, point.lng)).slice(0, 200),
      ...(district ? { district: district.code } : {}),
      ...(street ? { street: street.code } : {}),
    };
    return this.#next(t, filing);
  }

  // ─── my tickets, progress, rating ────────────────────────────────────────

  async #myTickets(t: Turn): Promise<void> {
    const res = await this.#api.chatTickets(t.account, t.clientKey);
    if (!res.ok) {
      t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
      return;
    }
    const items = res.data.items;
    if (items.length === 0) {
      t.out.push(say(m.myTickets.none, [button(m.buttons.file)]));
      return;
    }
    const lines = [m.myTickets.title, ...items.map((x, i) => m.myTickets.line(i + 1, x.ticketNo, x.title, x.statusLabel)), m.myTickets.hint];
    const buttons = items.slice(0, 5).map((x) => button(m.buttons.view(x.ticketNo)));
    t.out.push(say(lines.join('\n'), buttons));
  }

  /** A ticket of this chat account, without the query code. */
  async #showOwn(t: Turn, ticketNo: string): Promise<void> {
    const res = await this.#api.chatTicket(ticketNo, t.account, t.clientKey);
    if (res.ok) {
      t.state = null;
      t.out.push(viewMessage(res.data));
      return;
    }
    if (res.error.status === 404) {
      // Filed elsewhere (the web, the phone): the query code proves it is theirs.
      t.state = { step: 'progress', need: 'queryCode', ticketNo };
      t.out.push(say(m.progress.askQueryCode, [cancelButton()]));
      return;
    }
    t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
  }

  async #progressText(t: Turn, state: Extract<DialogState, { step: 'progress' }>, text: string): Promise<void> {
    const digits = text.replace(/\s/g, '');
    if (state.need === 'ticketNo') {
      if (!TICKET_NO.test(digits)) {
        t.out.push(say(m.progress.badTicketNo, [cancelButton()]));
        return;
      }
      t.state = { step: 'progress', need: 'queryCode', ticketNo: digits };
      t.out.push(say(m.progress.askQueryCode, [cancelButton()]));
      return;
    }
    if (!QUERY_CODE.test(digits)) {
      t.out.push(say(m.progress.badQueryCode, [cancelButton()]));
      return;
    }
    await this.#lookup(t, state.ticketNo!, digits);
  }

  async #lookup(t: Turn, ticketNo: string, queryCode: string): Promise<void> {
    const res = await this.#api.lookup(ticketNo, queryCode, t.clientKey);
    if (!res.ok) {
      t.state = null;
      t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message, menuButtons()));
      return;
    }
    // Kept for a rating or reopen request that follows.
    t.state = { step: 'viewed', ticketNo, queryCode };
    t.out.push(viewMessage(res.data));
  }

  async #ratingText(t: Turn, state: Extract<DialogState, { step: 'rating' }>, text: string): Promise<void> {
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
    const res = await this.#rate(t, state.ticketNo, state.queryCode, { processSatisfaction: state.process!, resultSatisfaction: state.result!, resolved });
    t.state = null;
    if (!res.ok) {
      t.out.push(say(m.rating.failed(res.error.status >= 500 ? m.unavailable : res.error.message)));
      return;
    }
    t.out.push(say(res.data.status === 'closed' ? m.rating.thanks : m.rating.reopened));
  }

  async #startReopen(t: Turn, ticketNo: string, queryCode: string | undefined): Promise<void> {
    const view = queryCode ? await this.#api.lookup(ticketNo, queryCode, t.clientKey) : await this.#api.chatTicket(ticketNo, t.account, t.clientKey);
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

  async #reopenText(t: Turn, state: Extract<DialogState, { step: 'reopen' }>, text: string): Promise<void> {
    if ([...text].length > 500) {
      t.out.push(say(m.rating.reasonTooLong, [cancelButton()]));
      return;
    }
    // As on the portal: a reopen request is an unsatisfied rating with its reason.
    const res = await this.#rate(t, state.ticketNo, state.queryCode, { processSatisfaction: 'unsatisfied', resultSatisfaction: 'unsatisfied', resolved: false, comment: text });
    t.state = null;
    if (!res.ok) {
      t.out.push(say(m.rating.failed(res.error.status >= 500 ? m.unavailable : res.error.message)));
      return;
    }
    t.out.push(say(res.data.status === 'closed' ? m.rating.reopenNotAllowed : m.rating.reopenRequested));
  }

  #rate(t: Turn, ticketNo: string, queryCode: string | undefined, rating: Rating): Promise<ApiResult<CitizenTicket>> {
    return queryCode ? this.#api.rate(ticketNo, queryCode, rating, t.clientKey) : this.#api.chatRate(ticketNo, t.account, rating, t.clientKey);
  }

  // ─── helpers ─────────────────────────────────────────────────────────────

  async #catalogData(t: Turn): Promise<Catalog> {
    if (this.#catalog && t.now.getTime() - this.#catalog.at < 5 * 60_000 && this.#catalog.at <= t.now.getTime()) return this.#catalog.value;
    const res = await this.#api.catalog(t.clientKey);
    if (!res.ok) throw new Error('catalog unavailable');
    this.#catalog = { at: t.now.getTime(), value: res.data };
    return res.data;
  }

  async #placeText(t: Turn, loc: DraftLocation | undefined): Promise<string> {
    if (!loc) return '';
    const catalog = await this.#catalogData(t);
    const district = catalog.districts.find((d) => d.code === loc.district);
    const street = district?.streets.find((s) => s.code === loc.street);
    // The citizen's own address often repeats the district or street ("西岭区人民路"): say each once.
    const names = [district?.name, street?.name].filter((name): name is string => !!name && !loc.address?.includes(name));
    return [...names, loc.address].filter(Boolean).join(' ');
  }
}

function answerText(answer: string, source: string | undefined): string {
  return source ? `${answer}\n\n${m.answer.source(source)}` : answer;
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

function cleanLocation(loc: DraftLocation | undefined): DraftLocation | undefined {
  if (!loc) return undefined;
  const out: DraftLocation = {};
  for (const [key, value] of Object.entries(loc) as [keyof DraftLocation, string | number | undefined][]) {
    if (value !== undefined && value !== '') (out as Record<string, unknown>)[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
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

function viewMessage(ticket: CitizenTicket): OutboundMessage {
  const lines = [m.progress.view(ticket)];
  if (ticket.unit) lines.push(m.progress.unit(ticket.unit));
  if (ticket.reply) lines.push(m.progress.reply(ticket.reply.text));
  else {
    const latest = ticket.timeline.at(-1);
    if (latest) lines.push(m.progress.latest(latest.text));
  }
  if (ticket.rating) lines.push(m.progress.rated);
  const buttons: ChatButton[] = [];
  if (ticket.canRate) {
    lines.push(m.progress.canRate);
    buttons.push(button(m.buttons.rate(ticket.ticketNo)));
    if (ticket.unsatisfiedReopens) buttons.push(button(m.buttons.reopen(ticket.ticketNo)));
  }
  return say(lines.join('\n'), buttons);
}

/** Which street of the district, with its streets as buttons. */
function streetQuestion(district: { name: string; streets: { name: string }[] } | undefined): OutboundMessage {
  return say(m.filing.askStreet(district?.name ?? ''), [...(district?.streets ?? []).map((s) => button(s.name)), button(m.buttons.skipStreet), cancelButton()]);
}
