import { createHash } from 'node:crypto';
import { hasDetailedAddress, needsFixedPlace } from '@hotline/knowledge/chains/place';
import type { DraftLocation, TicketFiling } from '../../api-client.ts';
import { hasTime, isAddress, phoneIn, withoutPhone } from '../answer-kinds.ts';
import type { OutboundMessage } from '../types.ts';
import { addressQuestion, contactQuestion, outOfTurn, placeFound, streetQuestion, takeAddress, takePhone, takeTime, timeQuestion } from './filing-questions.ts';
import { type DialogContext, type FilingState, type Turn, button, cancelButton, clip, isWord, m, menuButtons, say } from '../turn.ts';

/**
 * Filing in conversation: the citizen's account goes through the intake
 * draft, then what is still missing is asked one question at a time
 * (district, street, detailed address, time, contact, photos), then a
 * summary to confirm. An answer that plainly belongs to another question (a
 * phone number at the time question, an address at the contact question) is
 * used for that question, and the question is asked again.
 */

const MAX_PHOTOS = 6;

/** "我要反映" with nothing said yet: ask for the account of the matter. */
export function openFiling(t: Turn): void {
  t.state = { step: 'filing', need: 'description', startMessageId: t.msg.messageId, draft: null, photos: [] };
  t.out.push(say(m.filing.start, [cancelButton()]));
}

/** A filing that starts from what the citizen already said. */
export async function startFiling(ctx: DialogContext, t: Turn, text: string): Promise<void> {
  const filing: FilingState = { step: 'filing', need: 'description', startMessageId: t.msg.messageId, draft: null, photos: [] };
  t.state = filing;
  await describe(ctx, t, filing, text);
}

/** Files anew what was offered as a supplement (the citizen says it is another matter). */
export async function fileAnyway(ctx: DialogContext, t: Turn, text: string, startMessageId: string, voice?: string[]): Promise<void> {
  const filing: FilingState = { step: 'filing', need: 'description', startMessageId, draft: null, photos: [], supplementDeclined: true, ...(voice ? { voice } : {}) };
  t.state = filing;
  await describe(ctx, t, filing, text);
}

/** The citizen's account of what happened goes through the intake draft. */
async function describe(ctx: DialogContext, t: Turn, filing: FilingState, text: string): Promise<void> {
  if ([...text.trim()].length < 2) {
    filing.need = 'description';
    t.out.push(say(m.filing.tooShort, [cancelButton()]));
    return;
  }
  if (filing.draft) {
    // A correction of the content keeps what was already asked.
    filing.draft.description = text.slice(0, 5000);
    return next(ctx, t, filing);
  }
  // The same account writing again about a matter still being handled: offer to add it there instead.
  if (!filing.supplementDeclined) {
    const own = await ctx.api.ownSimilarOpen(t.account, text.slice(0, 5000), t.clientKey);
    const ticket = own.ok ? own.data.items[0] : undefined;
    if (ticket) {
      t.state = { step: 'supplement', ticketNo: ticket.ticketNo, text: text.slice(0, 5000), startMessageId: filing.startMessageId, ...(filing.voice ? { voice: filing.voice } : {}) };
      t.out.push(say(m.supplement.offer(ticket.ticketNo, ticket.title, ticket.statusLabel), [button(m.buttons.supplement), button(m.buttons.fileAnyway), cancelButton()]));
      return;
    }
  }
  const res = await ctx.api.draft(text.slice(0, 5000), t.channel, t.clientKey);
  if (!res.ok) {
    t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message, [cancelButton()]));
    return;
  }
  if (res.data.emergency) t.out.push(say(`${res.data.emergencyAdvice ?? m.emergency[res.data.emergency]}\n${m.emergency.after}`));
  filing.draft = res.data.draft;
  return next(ctx, t, filing);
}

/** Asks for the first thing still missing, or shows the summary. */
async function next(ctx: DialogContext, t: Turn, filing: FilingState): Promise<void> {
  const draft = filing.draft!;
  const loc = draft.location ?? {};
  // The district decides who handles it: asked for even when the text named a street address.
  if (draft.type !== 'consultation' && !loc.district && !(filing.placeAsked && (loc.address || loc.lat !== undefined))) {
    filing.need = 'district';
    const catalog = await ctx.catalog(t);
    t.out.push(say(m.filing.askDistrict, [...catalog.districts.map((d) => button(d.name)), cancelButton()]));
    return;
  }
  // After the district and street: where exactly, so the unit can find it (not for a consultation).
  if (draft.type !== 'consultation' && !filing.addressUnknown && !placeFound(filing)) {
    filing.need = 'address';
    t.out.push(addressQuestion(filing));
    return;
  }
  // Once the place is known, before the rest is asked: others may have reported the same matter.
  if (!filing.othersChecked) {
    filing.othersChecked = true;
    if (await offerSameMatter(ctx, t, filing)) return;
  }
  if (!filing.occurred) {
    filing.need = 'time';
    t.out.push(timeQuestion());
    return;
  }
  if (!filing.contact && !filing.anonymous) {
    filing.need = 'contact';
    t.out.push(contactQuestion());
    return;
  }
  if (!filing.photosAsked) {
    filing.photosAsked = true;
    filing.need = 'photos';
    t.out.push(say(m.filing.askPhotos, [button(m.buttons.done), cancelButton()]));
    return;
  }
  filing.need = 'confirm';
  t.out.push(await summary(ctx, t, filing));
}

async function summary(ctx: DialogContext, t: Turn, filing: FilingState): Promise<OutboundMessage> {
  const draft = filing.draft!;
  const typeLabel = (await ctx.catalog(t)).types.find((type) => type.code === draft.type)?.label ?? draft.type;
  const lines: string[] = [m.filing.summaryTitle, m.filing.summaryType(typeLabel), m.filing.summaryContent(clip(draft.description, 300))];
  const place = await placeText(ctx, t, draft.location);
  if (place) lines.push(m.filing.summaryLocation(place));
  lines.push(m.filing.summaryTime(filing.occurred?.label ?? m.filing.unknownTime));
  if (filing.anonymous) lines.push(m.filing.summaryAnonymous);
  else if (filing.contact) lines.push(m.filing.summaryContact([filing.contact.name, filing.contact.phone].filter(Boolean).join(' ')));
  if (filing.photos.length > 0) lines.push(m.filing.summaryPhotos(filing.photos.length));
  if (draft.urgency === 'urgent') lines.push(m.filing.summaryUrgent);
  lines.push('', m.filing.summaryHint);
  return say(lines.join('\n'), [button(m.buttons.confirm), button(m.buttons.editDescription), button(m.buttons.editLocation), button(m.buttons.editContact), cancelButton()]);
}

export async function filingText(ctx: DialogContext, t: Turn, filing: FilingState, text: string): Promise<void> {
  switch (filing.need) {
    case 'description':
      return describe(ctx, t, filing, text);
    case 'follow':
      return followOffered(ctx, t, filing, text);
    case 'district': {
      filing.placeAsked = true;
      const catalog = await ctx.catalog(t);
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
        return next(ctx, t, filing);
      }
      const aside = outOfTurn(filing, text);
      if (aside) {
        t.out.push(say(`${aside}\n${m.filing.askDistrict}`, [...catalog.districts.map((d) => button(d.name)), cancelButton()]));
        return;
      }
      if ([...text].length >= 4) {
        loc.address = text.slice(0, 200);
        filing.draft!.location = loc;
        return next(ctx, t, filing);
      }
      t.out.push(say(m.filing.unknownDistrict, [...catalog.districts.map((d) => button(d.name)), cancelButton()]));
      return;
    }
    case 'street': {
      const catalog = await ctx.catalog(t);
      const loc: DraftLocation = { ...filing.draft!.location };
      const district = catalog.districts.find((d) => d.code === loc.district);
      const street = district?.streets.find((s) => text.includes(s.name));
      if (street) loc.street = street.code;
      else if (isWord(text, [...m.words.confirm, ...m.words.done, ...m.words.anonymous])) {
        // A button word from another step is not an address: ask for the street again.
        t.out.push(streetQuestion(district));
        return;
      } else if (text !== m.buttons.skipStreet && !isWord(text, m.words.skip)) {
        const aside = outOfTurn(filing, text);
        if (aside) {
          t.out.push(streetQuestion(district, aside));
          return;
        }
        loc.address = text.slice(0, 200);
      }
      filing.draft!.location = loc;
      return next(ctx, t, filing);
    }
    case 'address': {
      if (isWord(text, m.words.unknownPlace) || text === m.buttons.unknownAddress) {
        if (needsFixedPlace(filing.draft!.type, filing.draft!.description)) {
          t.out.push(say(m.filing.addressNeeded, [cancelButton()]));
          return;
        }
        filing.addressUnknown = true;
        return next(ctx, t, filing);
      }
      const phone = phoneIn(text);
      if (phone && !isAddress(withoutPhone(text))) {
        t.out.push(addressQuestion(filing, takePhone(filing, phone, text)));
        return;
      }
      if (!hasDetailedAddress(text) && hasTime(text)) {
        t.out.push(addressQuestion(filing, takeTime(filing, text)));
        return;
      }
      const words = [...m.words.confirm, ...m.words.done, ...m.words.anonymous, ...m.words.skip, m.buttons.skipStreet];
      // A road and number, a 小区 and 楼栋, a landmark; a longer description of the spot will do too (the unit can ask on the phone).
      const place = phone ? withoutPhone(text) : text;
      if (isWord(text, words) || !(hasDetailedAddress(place) || [...place].filter((ch) => /\p{L}/u.test(ch)).length >= 8)) {
        t.out.push(addressQuestion(filing, m.filing.notAnAddress));
        return;
      }
      if (phone) takePhone(filing, phone, text);
      filing.draft!.location = { ...filing.draft!.location, address: place.slice(0, 200) };
      return next(ctx, t, filing);
    }
    case 'time': {
      const day = 24 * 3600_000;
      if (text === m.buttons.now || text === m.buttons.today) filing.occurred = { label: text, at: t.now.toISOString() };
      else if (text === m.buttons.yesterday) filing.occurred = { label: text, at: new Date(t.now.getTime() - day).toISOString() };
      else if (text === m.buttons.ongoing) filing.occurred = { label: text };
      else if (isWord(text, m.words.skip)) filing.occurred = { label: m.filing.unknownTime };
      else {
        const phone = phoneIn(text);
        const rest = phone ? withoutPhone(text) : text;
        const note = phone ? takePhone(filing, phone, text) : undefined;
        if (hasTime(rest) && !isAddress(rest)) filing.occurred = { label: clip(rest, 50) };
        else if (isAddress(rest)) {
          t.out.push(timeQuestion([note, takeAddress(filing, rest)].filter(Boolean).join('\n')));
          return;
        } else {
          t.out.push(timeQuestion(note ?? m.filing.notATime));
          return;
        }
      }
      return next(ctx, t, filing);
    }
    case 'contact': {
      if (isWord(text, m.words.anonymous)) {
        filing.anonymous = true;
        delete filing.contact;
        return next(ctx, t, filing);
      }
      const phone = phoneIn(text);
      if (!phone) {
        if (isAddress(text)) {
          t.out.push(contactQuestion(takeAddress(filing, text)));
          return;
        }
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
      return next(ctx, t, filing);
    }
    case 'photos':
      if (isWord(text, m.words.done) || isWord(text, m.words.skip)) return next(ctx, t, filing);
      t.out.push(say(m.filing.askPhotos, [button(m.buttons.done), cancelButton()]));
      return;
    case 'confirm':
      if (isWord(text, m.words.confirm)) return submit(ctx, t, filing);
      if (text === m.buttons.editDescription) {
        filing.need = 'description';
        t.out.push(say(m.filing.askDescription, [cancelButton()]));
        return;
      }
      if (text === m.buttons.editLocation) {
        filing.draft!.location = {};
        filing.placeAsked = false;
        delete filing.addressUnknown;
        filing.draft!.type = filing.draft!.type === 'consultation' ? 'help' : filing.draft!.type;
        return next(ctx, t, filing);
      }
      if (text === m.buttons.editContact) {
        delete filing.contact;
        delete filing.anonymous;
        return next(ctx, t, filing);
      }
      t.out.push(await summary(ctx, t, filing), say(m.filing.confirmFirst));
      return;
  }
}

/**
 * 这个问题已有 N 位市民反映: an open ticket of others on the same matter (the API's check: like
 * text, the same or a neighbouring place, a compatible category) is offered to follow instead of
 * filing again. Any failure of the check only means no offer.
 */
async function offerSameMatter(ctx: DialogContext, t: Turn, filing: FilingState): Promise<boolean> {
  const body = filingBody(t, filing);
  const res = await ctx.api.check(filing.contact || filing.anonymous ? body : { ...body, anonymous: true }, t.clientKey);
  const same = res.ok ? res.data.similar[0] : undefined;
  if (!same) return false;
  filing.need = 'follow';
  filing.offeredTicketNo = same.ticketNo;
  t.out.push(say(m.sameMatter.offer(same.reporters, same.ticketNo, same.title, same.statusLabel), [button(m.buttons.follow), button(m.buttons.fileMine), cancelButton()]));
  return true;
}

async function followOffered(ctx: DialogContext, t: Turn, filing: FilingState, text: string): Promise<void> {
  if (text === m.buttons.fileMine) return next(ctx, t, filing);
  if (!isWord(text, m.words.follow) || !filing.offeredTicketNo) {
    t.out.push(say(m.sameMatter.pick, [button(m.buttons.follow), button(m.buttons.fileMine), cancelButton()]));
    return;
  }
  const res = await ctx.api.follow(filing.offeredTicketNo, t.account, t.clientKey);
  if (res.ok) {
    t.state = null;
    t.out.push(say(m.sameMatter.followed(res.data.ticketNo, res.data.reporters), [button(m.buttons.myTickets)]));
    return;
  }
  // Closed meanwhile, or refused: the citizen's own filing goes on.
  t.out.push(say(m.sameMatter.failed(res.error.status >= 500 ? m.unavailable : res.error.message.replace(/[。.]$/, ''))));
  return next(ctx, t, filing);
}

/** The filing as POST /api/tickets takes it. */
function filingBody(t: Turn, filing: FilingState): TicketFiling {
  const draft = filing.draft!;
  const location = cleanLocation(draft.location);
  return {
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
    ...(filing.voice?.length ? { voiceMediaIds: filing.voice } : {}),
  };
}

async function submit(ctx: DialogContext, t: Turn, filing: FilingState): Promise<void> {
  const body = filingBody(t, filing);
  // The same filing confirmed twice (a double tap, a retried message) is one ticket.
  const key = `chat-${createHash('sha256').update(`${t.msg.network}\n${t.msg.chatUserId}\n${filing.startMessageId}`).digest('hex').slice(0, 48)}`;
  const res = await ctx.api.fileTicket(body, key, t.clientKey);
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
    return next(ctx, t, filing);
  }
  if (path.startsWith('contact')) {
    delete filing.contact;
    delete filing.anonymous;
    return next(ctx, t, filing);
  }
  if (path === 'description' || path === 'title') {
    filing.need = 'description';
    t.out.push(say(m.filing.askDescription, [cancelButton()]));
    return;
  }
  if (res.error.status === 429 || res.error.status === 403) t.state = null;
  else t.out.push(say(m.filing.confirmFirst, [button(m.buttons.confirm), cancelButton()]));
}

export async function filingPhoto(ctx: DialogContext, t: Turn): Promise<void> {
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
  const res = await ctx.api.upload(photo.bytes, photo.mimeType, t.clientKey);
  if (!res.ok) {
    t.out.push(say(m.filing.photoFailed(res.error.status >= 500 ? m.unavailable : res.error.message)));
    return;
  }
  filing.photos.push(res.data.uploadId);
  t.out.push(say(m.filing.photoReceived(filing.photos.length), [button(m.buttons.done)]));
  if (filing.need === 'confirm') t.out.push(await summary(ctx, t, filing));
}

export async function filingLocation(ctx: DialogContext, t: Turn): Promise<void> {
  const filing = t.state?.step === 'filing' ? t.state : null;
  const point = t.msg.location;
  // A shared location answers the place wherever it comes (the photo and later steps included).
  if (!filing?.draft || !point || filing.need === 'description') {
    t.out.push(say(m.help, menuButtons()));
    return;
  }
  filing.placeAsked = true;
  const catalog = await ctx.catalog(t);
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
  return next(ctx, t, filing);
}

async function placeText(ctx: DialogContext, t: Turn, loc: DraftLocation | undefined): Promise<string> {
  if (!loc) return '';
  const catalog = await ctx.catalog(t);
  const district = catalog.districts.find((d) => d.code === loc.district);
  const street = district?.streets.find((s) => s.code === loc.street);
  // The citizen's own address often repeats the district or street ("西岭区人民路"): say each once.
  const names = [district?.name, street?.name].filter((name): name is string => !!name && !loc.address?.includes(name));
  return [...names, loc.address].filter(Boolean).join(' ');
}

function cleanLocation(loc: DraftLocation | undefined): DraftLocation | undefined {
  if (!loc) return undefined;
  const out: DraftLocation = {};
  for (const [key, value] of Object.entries(loc) as [keyof DraftLocation, string | number | undefined][]) {
    if (value !== undefined && value !== '') (out as Record<string, unknown>)[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
