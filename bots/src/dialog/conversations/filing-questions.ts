import { hasDetailedAddress, needsFixedPlace } from '@hotline/knowledge/chains/place';
import type { DraftLocation } from '../../api-client.ts';
import { hasTime, isAddress, phoneIn, withoutPhone } from '../answer-kinds.ts';
import type { OutboundMessage } from '../types.ts';
import { type FilingState, button, cancelButton, clip, m, say } from '../turn.ts';

/**
 * The filing's questions (street, detailed address, time, contact), and the
 * answers that plainly belong to another question than the one asked: a
 * phone number becomes the contact, an address the address, a time the time
 * of occurrence — each kept for its own question, never stored in the wrong
 * field (filing.ts asks the question again).
 */

/** The draft carries a place a unit can find: a shared location, or a detailed address in the address or the account. */
export function placeFound(filing: FilingState): boolean {
  const draft = filing.draft!;
  const loc = draft.location ?? {};
  return loc.lat !== undefined || hasDetailedAddress(loc.address) || hasDetailedAddress(draft.description);
}

export function addressQuestion(filing: FilingState, lead?: string): OutboundMessage {
  const fixed = needsFixedPlace(filing.draft!.type, filing.draft!.description);
  const text = lead ? `${lead}\n${m.filing.askAddress}` : m.filing.askAddress;
  return say(text, [...(fixed ? [] : [button(m.buttons.unknownAddress)]), cancelButton()]);
}

export function timeQuestion(lead?: string): OutboundMessage {
  const text = lead ? `${lead}\n${m.filing.askTime}` : m.filing.askTime;
  return say(text, [button(m.buttons.now), button(m.buttons.today), button(m.buttons.yesterday), button(m.buttons.ongoing), button(m.buttons.skip), cancelButton()]);
}

export function contactQuestion(lead?: string): OutboundMessage {
  return say(lead ? `${lead}\n${m.filing.askContact}` : m.filing.askContact, [button(m.buttons.anonymous), cancelButton()]);
}

/** A phone number given out of turn becomes the contact (unless one was given); returns the note to say. */
export function takePhone(filing: FilingState, phone: string, text: string): string {
  if (!filing.contact) {
    const rest = withoutPhone(text).replace(/(姓名|名字|我叫|我是)[:：是]?/g, '');
    filing.contact = { phone, ...(/^\p{Script=Han}{2,4}$/u.test(rest) ? { name: rest } : {}) };
    filing.anonymous = false;
  }
  return m.filing.tookPhone(phone);
}

/** An address given out of turn is kept, unless a findable one is there already; returns the note to say. */
export function takeAddress(filing: FilingState, text: string): string {
  const loc: DraftLocation = { ...filing.draft!.location };
  if (!hasDetailedAddress(loc.address) && loc.lat === undefined) loc.address = text.slice(0, 200);
  filing.draft!.location = loc;
  return m.filing.tookAddress(clip(text, 50));
}

/** A time given out of turn is kept as the time of occurrence; returns the note to say. */
export function takeTime(filing: FilingState, text: string): string {
  filing.occurred ??= { label: clip(text, 50) };
  return m.filing.tookTime(clip(text, 50));
}

/** A phone number or a time where a place was asked: kept for its own question; returns the note, or null when the text is neither. */
export function outOfTurn(filing: FilingState, text: string): string | null {
  const phone = phoneIn(text);
  if (phone && !isAddress(withoutPhone(text))) return takePhone(filing, phone, text);
  if (!hasDetailedAddress(text) && hasTime(text)) return takeTime(filing, text);
  return null;
}

/** Which street of the district, with its streets as buttons. */
export function streetQuestion(district: { name: string; streets: { name: string }[] } | undefined, lead?: string): OutboundMessage {
  const question = m.filing.askStreet(district?.name ?? '');
  return say(lead ? `${lead}\n${question}` : question, [...(district?.streets ?? []).map((s) => button(s.name)), button(m.buttons.skipStreet), cancelButton()]);
}
