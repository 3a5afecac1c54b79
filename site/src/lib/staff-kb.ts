/**
 * The knowledge console's calls to /api/kb/admin/*, made in-process like the
 * rest of the staff area, with the editor's session token. The API holds
 * every rule (drafts, second-editor review, versions); these are typed
 * wrappers only.
 */
import type { getEntryForEditor, listEntriesForEditor } from '../../../api/src/domain/knowledge/read-entries.ts';
import type { previewAnswer } from '../../../api/src/domain/knowledge/preview-answer.ts';
import type { readAnalytics } from '../../../api/src/domain/knowledge/analytics.ts';
import type { rankDraft } from '../../../api/src/domain/knowledge/rank-draft.ts';
import type { readRegression, runRegression, vocabularyImpact } from '../../../api/src/domain/knowledge/regression.ts';
import type { importEntries } from '../../../api/src/domain/knowledge/import-entries.ts';
import type { listUnanswered } from '../../../api/src/domain/knowledge/unanswered.ts';
import type { testIntakeRules } from '../../../api/src/domain/knowledge/intake-rules-test.ts';
import type { IntakeRuleInput } from '../../../api/src/domain/knowledge/schemas.ts';
import type { getIntakeRules } from '../../../api/src/domain/knowledge/vocabulary.ts';
import type { ApiClient } from './api-client.ts';

/** Dates travel as ISO strings over HTTP. */
type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type KbEntryList = Json<Awaited<ReturnType<typeof listEntriesForEditor>>>;
export type KbEntryRow = KbEntryList['items'][number];
export type KbEntryDetail = Json<Awaited<ReturnType<typeof getEntryForEditor>>>;
export type KbVersion = KbEntryDetail['versions'][number];
export type KbContent = KbVersion['content'];
export type KbPreview = ReturnType<typeof previewAnswer>;
export type KbRank = Json<Awaited<ReturnType<typeof rankDraft>>>;
export type KbRegression = Json<Awaited<ReturnType<typeof readRegression>>>;
export type KbRegressionRun = Json<Awaited<ReturnType<typeof runRegression>>>;
export type KbVocabularyImpact = Json<Awaited<ReturnType<typeof vocabularyImpact>>>;
export interface KbVocabulary {
  synonymGroups: string[][];
  stopWords: string[];
}
export type KbAnalytics = Json<Awaited<ReturnType<typeof readAnalytics>>>;
export type KbImportResult = Json<Awaited<ReturnType<typeof importEntries>>>;
export type KbUnanswered = Json<Awaited<ReturnType<typeof listUnanswered>>['items'][number]>;
export type KbIntakeRule = Json<Awaited<ReturnType<typeof getIntakeRules>>[number]>;
/** A rule as the editor sends it (PUT and 试一试 take the whole list). */
export type KbIntakeRuleBody = IntakeRuleInput;
export type KbIntakeRulesTest = Json<Awaited<ReturnType<typeof testIntakeRules>>>;

/** The content an editor sends (the category as its most specific code). */
export interface KbContentBody {
  question: string;
  alternates: string[];
  answer: string;
  category: string;
  unitId: string | null;
  keywords: string[];
  effectiveFrom: string | null;
  expiresOn: string | null;
}

export class KbApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #call<T>(method: string, path: string, body?: unknown) {
    return this.#api.request<T>(method, path, body, { authorization: `Bearer ${this.#token}` });
  }

  /** `search`: the list's filters as the page's own query string holds them. */
  list(search: URLSearchParams) {
    const text = search.toString();
    return this.#call<KbEntryList>('GET', `/api/kb/admin/entries${text ? `?${text}` : ''}`);
  }

  entry(id: string) {
    return this.#call<KbEntryDetail>('GET', `/api/kb/admin/entries/${encodeURIComponent(id)}`);
  }

  create(content: KbContentBody) {
    return this.#call<{ id: string; version: number }>('POST', '/api/kb/admin/entries', content);
  }

  save(id: string, content: KbContentBody, expectedVersion: number | undefined) {
    return this.#call<{ id: string; version: number }>('PUT', `/api/kb/admin/entries/${encodeURIComponent(id)}`, {
      content,
      ...(expectedVersion ? { expectedVersion } : {}),
    });
  }

  /** submit, approve, return or archive, with an optional note. */
  review(id: string, verb: 'submit' | 'approve' | 'return' | 'archive', note?: string) {
    return this.#call<{ id: string; status: string; version: number }>('POST', `/api/kb/admin/entries/${encodeURIComponent(id)}/${verb}`, note ? { note } : {});
  }

  restore(id: string, version: number) {
    return this.#call<{ id: string; version: number }>('POST', `/api/kb/admin/entries/${encodeURIComponent(id)}/restore`, { version });
  }

  /** 未解答问题, most asked first. */
  unanswered(status: 'open' | 'resolved' | 'dismissed', page: number) {
    return this.#call<{ items: KbUnanswered[]; total: number; page: number; pageSize: number }>('GET', `/api/kb/admin/unanswered?status=${status}&page=${page}&pageSize=30`);
  }

  createFromUnanswered(queueId: number, content: KbContentBody) {
    return this.#call<{ id: string; version: number }>('POST', `/api/kb/admin/unanswered/${queueId}/create-entry`, content);
  }

  attachUnanswered(queueId: number, entryId: string) {
    return this.#call<{ id: string; version: number }>('POST', `/api/kb/admin/unanswered/${queueId}/attach`, { entryId });
  }

  /** 导入 (JSON Lines): `dryRun` previews entry by entry and writes nothing. */
  importLines(text: string, dryRun: boolean) {
    return this.#call<KbImportResult>('POST', `/api/kb/import${dryRun ? '?dryRun=true' : ''}`, new Blob([text], { type: 'application/x-ndjson' }));
  }

  /** `reason`: one of the API's dismiss reasons (no_entry_needed, duplicate, not_a_question, meaningless, other). */
  dismissUnanswered(queueId: number, reason: string, note: string) {
    return this.#call<null>('POST', `/api/kb/admin/unanswered/${queueId}/dismiss`, { reason, ...(note ? { note } : {}) });
  }

  /** 试一试: the draft's rank for a citizen's phrasing, before publishing. */
  rank(content: KbContentBody, phrasing: string, entryId?: string) {
    return this.#call<KbRank>('POST', '/api/kb/admin/rank', { content, phrasing, ...(entryId ? { entryId } : {}) });
  }

  /** 搜索分析 for a period (YYYY-MM-DD, both ends included). */
  analytics(from: string | null, to: string | null) {
    const query = new URLSearchParams();
    if (from) query.set('from', from);
    if (to) query.set('to', to);
    const text = query.toString();
    return this.#call<KbAnalytics>('GET', `/api/kb/admin/analytics${text ? `?${text}` : ''}`);
  }

  /** 回归问题: the last run against the one before, worse first. */
  regression(limit = 300) {
    return this.#call<KbRegression>('GET', `/api/kb/admin/regression?limit=${limit}`);
  }

  runRegression() {
    return this.#call<KbRegressionRun>('POST', '/api/kb/admin/regression/run');
  }

  addRegressionQuestion(question: string, expectedEntryId: string) {
    return this.#call<{ id: number }>('POST', '/api/kb/admin/regression/questions', { question, expectedEntryId });
  }

  removeRegressionQuestion(id: number) {
    return this.#call<null>('POST', `/api/kb/admin/regression/questions/${id}/remove`);
  }

  vocabulary() {
    return this.#call<KbVocabulary>('GET', '/api/kb/admin/vocabulary');
  }

  vocabularyImpact(vocabulary: KbVocabulary) {
    return this.#call<KbVocabularyImpact>('POST', '/api/kb/admin/vocabulary/impact', vocabulary);
  }

  saveVocabulary(vocabulary: KbVocabulary) {
    return this.#call<unknown>('PUT', '/api/kb/admin/vocabulary', vocabulary);
  }

  preview(answer: string, question?: string) {
    return this.#call<KbPreview>('POST', '/api/kb/admin/preview', { answer, ...(question ? { question } : {}) });
  }

  /** 受理规则: every rule (active or not), by kind and id. */
  intakeRules() {
    return this.#call<KbIntakeRule[]>('GET', '/api/kb/admin/intake-rules');
  }

  /** Replaces the whole list; the intake chain uses it at once. */
  saveIntakeRules(rules: KbIntakeRuleBody[]) {
    return this.#call<{ rules: number }>('PUT', '/api/kb/admin/intake-rules', { rules });
  }

  /** 试一试: the intake draft of a citizen's message under `rules` (unsaved), or the stored rules when absent. */
  testIntakeRules(text: string, rules?: KbIntakeRuleBody[]) {
    return this.#call<KbIntakeRulesTest>('POST', '/api/kb/admin/intake-rules/test', { text, ...(rules ? { rules } : {}) });
  }
}

/** The roles that may use the console; the API decides, this only hides the link and answers 404 early. */
export const KB_ROLES = ['editor', 'admin'];

const lines = (value: string) => value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

/** The editor form's fields as the API's content body: one alternate per line, keywords split at commas, 、 or lines. */
export function kbContentFromForm(form: FormData): KbContentBody {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  return {
    question: text('question'),
    alternates: lines(String(form.get('alternates') ?? '')),
    // Browsers send a textarea's line breaks as CRLF; the answer is stored with LF, as imports write it.
    answer: text('answer').replace(/\r\n?/g, '\n'),
    category: text('category'),
    unitId: text('unitId') || null,
    keywords: text('keywords').split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean),
    effectiveFrom: text('effectiveFrom') || null,
    expiresOn: text('expiresOn') || null,
  };
}

/** Form values (strings) of stored content, for filling the editor. */
export function kbFormValues(c: KbContent): Record<string, string> {
  return {
    question: c.question,
    alternates: c.alternates.join('\n'),
    answer: c.answer,
    category: c.subcategoryCode ?? c.categoryCode,
    unitId: c.unitId ?? '',
    keywords: c.keywords.join('、'),
    effectiveFrom: c.effectiveFrom ?? '',
    expiresOn: c.expiresOn ?? '',
  };
}

/**
 * The API's validation messages at the editor's fields: `content.answer`,
 * `alternates.3` and `answer` all belong to the field named by their first
 * part after `content`; anything else is a message for the whole form.
 */
export function kbFieldErrors(details: unknown): { fields: Record<string, string>; general: string[] } {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const d of Array.isArray(details) ? (details as { path: string; message: string }[]) : []) {
    const parts = d.path.split('.').filter((p) => p !== 'content');
    const name = parts[0];
    if (name) {
      const index = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? Number(parts[1]) : null;
      fields[name] ??= index !== null && name === 'alternates' ? `第 ${index + 1} 行：${d.message}` : d.message;
    } else general.push(d.message);
  }
  return { fields, general };
}

/** What 试一试 shows under the editor: the ranking, or why there is none. */
export interface KbTry {
  phrasing: string;
  result: KbRank | null;
  errors: string[];
  /** The phrasing was just added to the alternates (not saved yet). */
  added: boolean;
}

/**
 * The editor's 测试排名 and 加为其他问法 buttons: both rank the form's
 * content as it is (unsaved); the second first adds the phrasing to the
 * alternates in the form, which the editor then saves as usual.
 */
export async function kbTryPhrasing(kb: KbApi, action: 'rank' | 'add-alternate', form: FormData, values: Record<string, string>, entryId?: string): Promise<KbTry> {
  const phrasing = String(form.get('phrasing') ?? '').trim();
  let added = false;
  if (action === 'add-alternate' && phrasing) {
    const current = lines(values.alternates ?? '');
    if (!current.includes(phrasing) && phrasing !== (values.question ?? '').trim()) {
      values.alternates = [...current, phrasing].join('\n');
      form.set('alternates', values.alternates);
      added = true;
    }
  }
  const res = await kb.rank(kbContentFromForm(form), phrasing, entryId);
  if (res.ok) return { phrasing, result: res.data, errors: [], added };
  const { fields, general } = kbFieldErrors(res.error.details);
  const errors = [...Object.values(fields), ...general];
  return { phrasing, result: null, errors: errors.length ? errors : [res.error.message], added };
}
