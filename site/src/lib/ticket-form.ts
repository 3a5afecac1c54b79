import type { Messages } from '../i18n/index.ts';
import type { ApiClient, ApiError, Catalog, FollowedTicket, PowChallenge, PowSolution, TicketCheck, TicketCreated } from './api-client.ts';
import { hasDetailedAddress, needsFixedPlace } from '@hotline/knowledge/chains/place';
import { apiFieldErrors, checked, type FieldErrors, hasErrors, noErrors } from './form-values.ts';

// The filing form (我要反映, channel web) and the letter form (市长信箱, channel
// mailbox) run one server-driven flow: form → review (photos uploaded, the
// API's own check, a proof-of-work challenge) → submit (the ticket filed once,
// whatever the citizen double-clicks or reloads: the idempotency key is made
// on the first render and carried through every step in a hidden field).

export type FilingKind = 'web' | 'mailbox';

export const MAX_PHOTOS = 6;
export const DESCRIPTION_MAX = 5000;
export const TYPES = ['complaint', 'report', 'help', 'consultation', 'suggestion', 'praise'] as const;
/** The letter form's order: most letters are suggestions. */
export const LETTER_TYPES = ['suggestion', 'consultation', 'complaint', 'help', 'report', 'praise'] as const;

const FIELDS: Record<FilingKind, readonly string[]> = {
  web: [
    'type',
    'description',
    'category',
    'location.district',
    'location.street',
    'location.address',
    'location.lat',
    'location.lng',
    'occurredAt',
    'contact.name',
    'contact.phone',
    'anonymous',
    'confidential',
    'publishConsent',
  ],
  mailbox: ['addressee', 'location.district', 'type', 'title', 'description', 'contact.name', 'contact.phone', 'publishConsent'],
};

/** Element ids on each form page that own an error (see fieldId). */
export const FORM_FIELD_IDS: Record<FilingKind, readonly string[]> = {
  web: ['description', 'type', 'category', 'location-district', 'location-street', 'location-address', 'location-geo', 'occurredAt', 'photos', 'contact', 'contact-name', 'contact-phone', 'anonymous', 'confidential', 'publishConsent'],
  mailbox: ['addressee', 'location-district', 'type', 'title', 'description', 'contact', 'contact-name', 'contact-phone', 'publishConsent'],
};
const RENAME: Record<string, string> = { 'location-lat': 'location-geo', 'location-lng': 'location-geo', location: 'location-district', 'contact-anonymous': 'anonymous' };

const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,255}$/;

export interface UploadedPhoto {
  id: string;
  width: number;
  height: number;
  byteSize: number;
}

export interface Filing {
  kind: FilingKind;
  /** The text fields as the citizen typed them (checkboxes 'on', the letter's publishConsent 'yes'/'no'). */
  values: Record<string, string>;
  /** Photos already uploaded in earlier rounds, carried as hidden `photos` fields. */
  photos: UploadedPhoto[];
  idempotencyKey: string;
}

const newKey = () => globalThis.crypto.randomUUID();

const defaults = (kind: FilingKind): Record<string, string> =>
  kind === 'web' ? { type: 'complaint' } : { type: 'suggestion', publishConsent: 'no' };

export function emptyFiling(kind: FilingKind): Filing {
  return { kind, values: defaults(kind), photos: [], idempotencyKey: newKey() };
}

const str = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** The filing as posted: typed values, photos carried from earlier rounds (minus those the citizen removed), the key. */
export function readFiling(form: FormData, kind: FilingKind): Filing {
  const values: Record<string, string> = {};
  for (const name of FIELDS[kind]) {
    const value = str(form, name);
    if (value !== '') values[name] = value;
  }
  const allowed: readonly string[] = kind === 'web' ? TYPES : LETTER_TYPES;
  if (!allowed.includes(values.type ?? '')) values.type = defaults(kind).type!;
  if (kind === 'mailbox' && values.publishConsent !== 'yes') values.publishConsent = 'no';

  const removed = new Set(form.getAll('removePhotos').filter((v) => typeof v === 'string'));
  const info = new Map<string, UploadedPhoto>();
  for (const raw of form.getAll('photoInfo')) {
    if (typeof raw !== 'string') continue;
    const [id = '', width, height, byteSize] = raw.split(':');
    info.set(id, { id, width: Number(width) || 0, height: Number(height) || 0, byteSize: Number(byteSize) || 0 });
  }
  const photos: UploadedPhoto[] = [];
  if (kind === 'web') {
    for (const id of form.getAll('photos')) {
      if (typeof id !== 'string' || !UPLOAD_ID.test(id) || removed.has(id) || photos.some((p) => p.id === id)) continue;
      photos.push(info.get(id) ?? { id, width: 0, height: 0, byteSize: 0 });
    }
  }
  const key = str(form, 'idempotencyKey');
  return { kind, values, photos: photos.slice(0, MAX_PHOTOS), idempotencyKey: IDEMPOTENCY_KEY.test(key) ? key : newKey() };
}

/** Photos chosen with the file picker in this round (an empty picker posts one empty file: skipped). */
export const newPhotoFiles = (form: FormData): File[] =>
  form.getAll('photos').filter((v): v is File => typeof v !== 'string' && v.size > 0);

/** Uploads the newly chosen photos (up to the limit) and adds them to the filing; returns what went wrong. */
export async function uploadPhotos(api: ApiClient, filing: Filing, files: File[], m: Messages): Promise<string[]> {
  const problems: string[] = [];
  let skipped = 0;
  for (const [i, photo] of files.entries()) {
    if (filing.photos.length >= MAX_PHOTOS) {
      skipped++;
      continue;
    }
    const res = await api.upload(photo);
    if (res.ok) filing.photos.push({ id: res.data.uploadId, width: res.data.width, height: res.data.height, byteSize: res.data.byteSize });
    else problems.push(m.file.errors.uploadFailed(i + 1, photo.name, res.error.message));
  }
  if (skipped > 0) problems.push(m.file.errors.tooManyPhotos(MAX_PHOTOS, skipped));
  return problems;
}

/** `2026-11-21T09:30` (a datetime-local, Beijing time) → ISO 8601 with +08:00; null when it is no real date. */
export function occurredAtIso(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(local.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '00'] = match as unknown as [string, string, string, string, string, string, string?];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

/** Now in Beijing as a datetime-local value (the occurredAt field's max). */
export const beijingNowLocal = (now = new Date()) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 16);

const coordinate = (value: string | undefined, limit: number) => {
  const n = Number(value);
  return value && Number.isFinite(n) && Math.abs(n) <= limit ? Math.round(n * 1e6) / 1e6 : undefined;
};

const chars = (text: string) => [...text].length;

/** The API body (POST /api/tickets and /check) and the problems only the site can see. */
export function toTicketBody(filing: Filing, m: Messages): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors = noErrors();
  const v = filing.values;
  const t = (name: string) => (v[name] ?? '').trim();
  const body: Record<string, unknown> = { channel: filing.kind, type: t('type'), description: t('description').replace(/\r\n?/g, '\n') };
  const anonymous = filing.kind === 'web' && checked(v, 'anonymous');

  if (filing.kind === 'web') {
    if (t('category')) body.category = t('category');
    const location: Record<string, unknown> = {};
    if (t('location.district')) location.district = t('location.district');
    if (t('location.street')) location.street = t('location.street');
    if (t('location.address')) location.address = t('location.address');
    const lat = coordinate(v['location.lat'], 90);
    const lng = coordinate(v['location.lng'], 180);
    if (lat !== undefined && lng !== undefined) Object.assign(location, { lat, lng });
    if (Object.keys(location).length > 0) body.location = location;
    // The same rule as the chat channels and the intake draft's `missing`: a
    // matter at a fixed place needs an address a unit can walk to.
    const description = t('description');
    if (description && lat === undefined && needsFixedPlace(t('type'), description) && !hasDetailedAddress(t('location.address')) && !hasDetailedAddress(description)) {
      errors.fields['location-address'] = t('location.address') ? m.file.errors.addressVague : m.file.errors.addressNeeded;
    }
    if (t('occurredAt')) {
      const iso = occurredAtIso(t('occurredAt'));
      if (iso) body.occurredAt = iso;
      else errors.fields.occurredAt = m.file.errors.occurredAt;
    }
    body.anonymous = anonymous;
    body.confidential = checked(v, 'confidential');
    body.publishConsent = checked(v, 'publishConsent');
    if (filing.photos.length > 0) body.photos = filing.photos.map((p) => p.id);
  } else {
    if (t('addressee')) body.addressee = t('addressee');
    // Which district a letter to a district's 区长 is for (the API asks for it then).
    if (t('location.district')) body.location = { district: t('location.district') };
    if (t('title')) body.title = t('title');
    else errors.fields.title = m.letter.errors.titleRequired;
    if (chars(t('description')) > 0 && chars(t('description')) < 10) errors.fields.description = m.letter.errors.descriptionShort;
    if (!t('contact.name')) errors.fields['contact-name'] = m.letter.errors.nameRequired;
    if (!t('contact.phone')) errors.fields['contact-phone'] = m.letter.errors.phoneRequired;
    body.anonymous = false;
    body.publishConsent = v.publishConsent === 'yes';
  }
  if (!anonymous && (t('contact.name') || t('contact.phone'))) {
    body.contact = { ...(t('contact.name') ? { name: t('contact.name') } : {}), ...(t('contact.phone') ? { phone: t('contact.phone') } : {}) };
  }
  return { body, errors };
}

/** Every value the review page carries in hidden fields, in the names the form posts. */
export function carriedFields(filing: Filing): [string, string][] {
  const anonymous = filing.kind === 'web' && checked(filing.values, 'anonymous');
  const fields: [string, string][] = [];
  for (const name of FIELDS[filing.kind]) {
    const value = filing.values[name];
    if (value === undefined || value === '') continue;
    if (anonymous && name.startsWith('contact.')) continue;
    fields.push([name, value]);
  }
  for (const p of filing.photos) fields.push(['photos', p.id], ['photoInfo', `${p.id}:${p.width}:${p.height}:${p.byteSize}`]);
  fields.push(['idempotencyKey', filing.idempotencyKey]);
  return fields;
}

const CHINESE_DIGITS = '零一二三四五六七八九';

/** The sum's answer as typed: full-width digits, or 八 / 十二 in Chinese numerals, become ASCII digits. */
export function normalizeAnswer(raw: string): string {
  const text = raw.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const m = /^(十)?([零一二三四五六七八九])?$/.exec(text);
  if (text && m) return String((m[1] ? 10 : 0) + (m[2] ? CHINESE_DIGITS.indexOf(m[2]) : 0));
  return text;
}

/** The terms of "三加五等于几？", for showing the sum in other words (English). */
export function sumTerms(question: string): [number, number] | null {
  const m = /^([一二三四五六七八九])加([一二三四五六七八九])等于几/.exec(question);
  return m ? [CHINESE_DIGITS.indexOf(m[1]!), CHINESE_DIGITS.indexOf(m[2]!)] : null;
}

export function readPow(form: FormData): PowSolution | null {
  const challenge = str(form, 'pow.challenge');
  if (!challenge) return null;
  const nonce = str(form, 'pow.nonce').trim();
  const answer = normalizeAnswer(str(form, 'pow.answer'));
  return { challenge, ...(nonce ? { nonce } : {}), ...(answer ? { answer: answer.slice(0, 8) } : {}) };
}

function mergeErrors(first: FieldErrors, second: FieldErrors): FieldErrors {
  return { fields: { ...second.fields, ...first.fields }, general: [...first.general, ...second.general] };
}

/** Field errors in the order of the fields on the page, so the summary reads top to bottom. */
function inPageOrder(errors: FieldErrors, kind: FilingKind): FieldErrors {
  const order = FORM_FIELD_IDS[kind];
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const fields = Object.fromEntries(Object.entries(errors.fields).sort(([a], [b]) => rank(a) - rank(b)));
  return { fields, general: errors.general };
}

const isPowError = (error: ApiError) => Array.isArray(error.details) && error.details.some((d) => d.path === 'pow');
const isPhotoError = (error: ApiError) => Array.isArray(error.details) && error.details.some((d) => d.path.startsWith('photos'));

export type FilingView =
  | { view: 'form'; filing: Filing; errors: FieldErrors; /** The type is the default: the script may suggest one. */ autoType: boolean }
  | { view: 'review'; filing: Filing; errors: FieldErrors; check: TicketCheck; challenge: PowChallenge | null }
  | { view: 'receipt'; created: TicketCreated }
  | { view: 'followed'; followed: FollowedTicket };

export interface FilingRequest {
  kind: FilingKind;
  api: ApiClient;
  m: Messages;
  /** The POST's fields; null on GET. */
  form: FormData | null;
  formTrusted: boolean;
}

/** Runs one step of the flow (the hidden/button field `step`) and says what to show. */
export async function runFilingStep({ kind, api, m, form, formTrusted }: FilingRequest): Promise<FilingView> {
  if (!form) return { view: 'form', filing: emptyFiling(kind), errors: noErrors(), autoType: true };
  const step = form.getAll('step').filter((s) => typeof s === 'string').at(-1) ?? 'edit';
  const filing = readFiling(form, kind);
  const formView = (errors = noErrors(), autoType = false): FilingView => ({ view: 'form', filing, errors: inPageOrder(errors, kind), autoType });
  const apiErrors = (error: ApiError) => apiFieldErrors(error, FORM_FIELD_IDS[kind], RENAME);

  /** The site's own checks and the API's (POST /api/tickets/check), all errors at once. */
  const validate = async (): Promise<{ errors: FieldErrors; check: TicketCheck | null }> => {
    const { body, errors: local } = toTicketBody(filing, m);
    const check = await api.checkTicket(body);
    if (check.ok) return { errors: local, check: check.data };
    const found = check.error.status === 400 ? apiErrors(check.error) : { fields: {}, general: [m.common.errors.unavailable] };
    return { errors: mergeErrors(local, found), check: null };
  };

  /** The review page with a fresh challenge; the form when a check fails. */
  const review = async (errors = noErrors()): Promise<FilingView> => {
    const valid = await validate();
    if (!valid.check || hasErrors(valid.errors)) return formView(mergeErrors(errors, valid.errors));
    const challenge = await api.challenge();
    if (!challenge.ok) errors.general.push(m.file.errors.challengeUnavailable);
    return { view: 'review', filing, errors, check: valid.check, challenge: challenge.ok ? challenge.data : null };
  };

  if (step === 'start') return formView(noErrors(), !form.has('type'));
  // 关注此工单 (the review page's offer of an open ticket on the same matter): no new ticket is filed.
  if (kind === 'web' && step.startsWith('follow-') && formTrusted) {
    const phone = filing.values['contact.phone']?.trim();
    if (!phone || checked(filing.values, 'anonymous')) return review({ fields: {}, general: [m.file.similar.phoneNeeded] });
    const followed = await api.followTicket(step.slice('follow-'.length), { channel: 'web', phone });
    if (followed.ok) return { view: 'followed', followed: followed.data };
    return review({ fields: {}, general: [followed.error.status === 409 || followed.error.status === 404 ? followed.error.message : m.common.errors.unavailable] });
  }
  if (step !== 'review' && step !== 'submit') return formView();

  if (!formTrusted) {
    // An expired page: nothing uploaded or filed; what was typed is shown again.
    const expired: FieldErrors = { fields: {}, general: [m.common.form.expired] };
    return step === 'submit' ? review(expired) : formView(expired);
  }

  if (step === 'review') {
    const problems = kind === 'web' ? await uploadPhotos(api, filing, newPhotoFiles(form), m) : [];
    if (problems.length === 0) return review();
    // Photos that did not make it: back to the form (the ones uploaded are kept), with any other errors.
    const valid = await validate();
    return formView(mergeErrors({ fields: { photos: problems.join(m.file.errors.separator) }, general: [] }, valid.errors));
  }

  // step === 'submit'
  const { body, errors: local } = toTicketBody(filing, m);
  if (Object.keys(local.fields).length > 0) return formView(local);
  const file = () => api.fileTicket(body, { idempotencyKey: filing.idempotencyKey, pow: readPow(form) });
  let res = await file();
  // A double click: the first request is still filing under the same key. Wait for it and replay its receipt.
  for (let retry = 0; retry < 4 && !res.ok && res.error.status === 409; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 750));
    res = await file();
  }
  if (res.ok) return { view: 'receipt', created: res.data };
  const { error } = res;
  if (error.status === 400 && isPowError(error)) {
    const errors = apiFieldErrors(error, ['pow']);
    return review(errors);
  }
  if (error.status === 400) {
    // A photo that expired (uploads live a day) cannot be filed: the citizen chooses photos again.
    if (isPhotoError(error)) filing.photos = [];
    return formView(apiErrors(error));
  }
  if (error.status === 429) return review({ fields: {}, general: [error.message] });
  if (error.status === 409) return review({ fields: {}, general: [m.file.errors.inProgress] });
  if (error.status === 422 && error.code === 'IDEMPOTENCY_MISMATCH') {
    // Filed once already with other content (e.g. back, edit, submit): a second, deliberate click files a new one.
    filing.idempotencyKey = newKey();
    return review({ fields: {}, general: [m.file.errors.alreadyFiled] });
  }
  return review({ fields: {}, general: [m.common.errors.unavailable] });
}

// ---- labels for the form and the review page ----

export interface Option {
  value: string;
  label: string;
  group?: string;
  data?: Record<string, string>;
}

export function categoryOptions(catalog: Catalog, m: Messages): Option[] {
  return catalog.categories.flatMap((parent) => [
    { value: parent.code, label: m.file.categoryParent(parent.name), group: parent.name },
    ...parent.children.map((child) => ({ value: child.code, label: child.name, group: parent.name })),
  ]);
}

export const districtOptions = (catalog: Catalog): Option[] => catalog.districts.map((d) => ({ value: d.code, label: d.name }));

export const streetOptions = (catalog: Catalog): Option[] =>
  catalog.districts.flatMap((d) => d.streets.map((s) => ({ value: s.code, label: s.name, group: d.name, data: { district: d.code } })));

export function categoryLabel(catalog: Catalog, code: string | undefined): string | null {
  if (!code) return null;
  for (const parent of catalog.categories) {
    if (parent.code === code) return parent.name;
    const child = parent.children.find((c) => c.code === code);
    if (child) return `${parent.name} / ${child.name}`;
  }
  return code;
}

export function placeLabel(catalog: Catalog, values: Record<string, string>): string {
  const district = catalog.districts.find((d) => d.code === values['location.district']);
  const street = catalog.districts.flatMap((d) => d.streets).find((s) => s.code === values['location.street']);
  return [district?.name, street?.name, values['location.address']?.trim()].filter(Boolean).join(' ');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
