import type { ApiError } from './api-client.ts';

/** A form's text fields as the citizen typed them (kept to show again on any error). */
export type FormValues = Record<string, string>;

export function textValues(form: FormData | null, names?: readonly string[]): FormValues {
  const values: FormValues = {};
  if (!form) return values;
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string' || name === '_csrf') continue;
    if (names && !names.includes(name)) continue;
    values[name] = values[name] === undefined ? value : `${values[name]},${value}`;
  }
  return values;
}

export const allValues = (form: FormData | null, name: string): string[] =>
  form ? form.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '') : [];

export const checked = (values: FormValues, name: string) => values[name] === 'on' || values[name] === '1' || values[name] === 'true';

/** Field id for an API error path: `contact.phone` → `contact-phone`, `photos.0` → `photos`. */
export const fieldId = (path: string) => path.replace(/\.\d+$/, '').replace(/\./g, '-');

export interface FieldErrors {
  /** By field id. */
  fields: Record<string, string>;
  /** Errors with no field on the page. */
  general: string[];
}

export const noErrors = (): FieldErrors => ({ fields: {}, general: [] });

/** Spreads an API error over the form's fields; what no field on the page owns is shown at the top. */
export function apiFieldErrors(error: ApiError, fieldsOnPage: readonly string[], rename: Record<string, string> = {}): FieldErrors {
  const result = noErrors();
  const details = Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    const id = rename[fieldId(detail.path)] ?? fieldId(detail.path);
    if (fieldsOnPage.includes(id)) result.fields[id] ??= detail.message;
    else result.general.push(detail.message);
  }
  if (details.length === 0) result.general.push(error.message);
  return result;
}

export const hasErrors = (errors: FieldErrors) => errors.general.length > 0 || Object.keys(errors.fields).length > 0;

/** Only a path on this site: `/progress`, never `//evil.example` or `https://…`. */
export function localPath(value: string | undefined | null, fallback = '/'): string {
  if (!value || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return fallback;
  return value;
}
