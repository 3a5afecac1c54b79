import type { BotApiClient, Catalog, ChatAccount, IntakeDraft, Rating, TicketChannel } from '../api-client.ts';
import { zhCN } from '../messages/zh-CN.ts';
import type { ChatButton, InboundMessage, OutboundMessage } from './types.ts';

/**
 * What every conversation module shares: the state between messages, the
 * turn being handled, and the reply helpers. The conversations themselves
 * live one per file in ./conversations/.
 */

export const m = zhCN;

export type Satisfaction = Rating['processSatisfaction'];

export interface FilingState {
  step: 'filing';
  need: 'description' | 'district' | 'street' | 'address' | 'follow' | 'time' | 'contact' | 'photos' | 'confirm';
  /** The message that started the filing: the idempotency key derives from it. */
  startMessageId: string;
  draft: IntakeDraft['draft'] | null;
  occurred?: { label: string; at?: string };
  contact?: { name?: string; phone: string };
  anonymous?: boolean;
  photosAsked?: boolean;
  /** The citizen has answered the place question once: an address without a district will do. */
  placeAsked?: boolean;
  /** The citizen does not know the detailed address of a matter with no fixed place (a phone scam…). */
  addressUnknown?: boolean;
  /** The citizen chose to file anew rather than add to their open ticket on the same matter. */
  supplementDeclined?: boolean;
  /** Others' open tickets on the same matter were looked for (once, when the place is known); the one offered to follow. */
  othersChecked?: boolean;
  offeredTicketNo?: string;
  /** Voice messages taken in during the filing (WeChat media ids), kept on the ticket. */
  voice?: string[];
  photos: string[];
}

/** The conversation between messages (stored as JSON in chat_sessions). */
export type DialogState =
  | { step: 'answered'; question: string; entryId: string }
  | { step: 'offer'; text: string }
  | FilingState
  | { step: 'supplement'; ticketNo: string; text: string; startMessageId: string; voice?: string[] }
  | { step: 'progress'; need: 'ticketNo' | 'queryCode'; ticketNo?: string }
  | { step: 'viewed'; ticketNo: string; queryCode: string }
  | { step: 'rating'; ticketNo: string; queryCode?: string; need: 'process' | 'result' | 'resolved'; process?: Satisfaction; result?: Satisfaction }
  | { step: 'reopen'; ticketNo: string; queryCode?: string };

/** One message being handled: what came in, who sent it, what goes back, the state after. */
export interface Turn {
  msg: InboundMessage;
  account: ChatAccount;
  clientKey: string;
  channel: TicketChannel;
  now: Date;
  out: OutboundMessage[];
  state: DialogState | null;
}

/** The engine's services, as the conversations see them. */
export interface DialogContext {
  api: BotApiClient;
  /** The districts, streets and ticket types (cached a few minutes). */
  catalog(t: Turn): Promise<Catalog>;
}

export const say = (text: string, buttons?: ChatButton[]): OutboundMessage => (buttons && buttons.length > 0 ? { text, buttons } : { text });
export const button = (label: string, reply = label): ChatButton => ({ label, reply });
export const isWord = (text: string, words: readonly string[]) => words.includes(text.trim().toLowerCase());
export const menuButtons = () => [button(m.buttons.file), button(m.buttons.myTickets), button(m.buttons.progress)];
export const cancelButton = () => button(m.buttons.cancel);

/** The citizen-facing reason of a failed API call. */
export const apiFailure = (error: { status: number; message: string }) => (error.status >= 500 ? m.unavailable : error.message);

export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}
