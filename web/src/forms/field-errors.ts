// The API's validation issues (400 `validation_failed`, details `[{ path: 'body.aliases.0.text', message }]`,
// see src/infra/http/zod-body.ts; also a 409 `conflict` that names its field, like a taken project name) keyed
// by form field, so each message shows next to the field it concerns.
import { problemOf } from '../api/errors';

export type FieldErrors = ReadonlyMap<string, string[]>;

export interface FormErrors {
  fields: FieldErrors;
  /** What no field of the form shows (a limit, a conflict, a network error), as sentences. */
  form: string[];
}

function isIssue(v: unknown): v is { path: string; message: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { path?: unknown }).path === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}

/**
 * `known` says which keys the form shows (`name`, `aliases.0.text`, ...); an issue on an unknown key is
 * shown on its nearest known parent (`aliases.0.extra` on `aliases.0`), else at the form level.
 */
export function formErrorsOf(error: unknown, known: (key: string) => boolean, where = 'body'): FormErrors {
  const p = problemOf(error);
  const fields = new Map<string, string[]>();
  const form: string[] = [];
  const issues = Array.isArray(p.details) ? p.details.filter(isIssue) : [];
  if ((p.status !== 400 && p.status !== 409) || issues.length === 0) {
    return { fields, form: [p.message || 'The request failed.'] };
  }
  for (const issue of issues) {
    const parts = issue.path.split('.');
    if (parts[0] === where) parts.shift();
    let key = parts.join('.');
    while (key !== '' && !known(key)) key = key.includes('.') ? key.slice(0, key.lastIndexOf('.')) : '';
    if (key === '') form.push(parts.length ? `${parts.join('.')}: ${issue.message}` : issue.message);
    else fields.set(key, [...(fields.get(key) ?? []), issue.message]);
  }
  return { fields, form };
}

/** The DOM id of a field's error text, for aria-describedby. */
export function errorId(key: string): string {
  return `err-${key.replace(/[^\w-]/g, '-')}`;
}

const valueAt = (obj: unknown, key: string): string =>
  JSON.stringify(
    key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obj),
  );

/** The errors without those of fields whose value changed between two drafts (the person is fixing them). */
export function clearChangedFields(errors: FormErrors, before: object, after: object): FormErrors {
  const changed = (key: string): boolean => valueAt(before, key) !== valueAt(after, key);
  if (![...errors.fields.keys()].some(changed)) return errors;
  return { fields: new Map([...errors.fields].filter(([k]) => !changed(k))), form: errors.form };
}

/** A form with no errors. */
export const NO_ERRORS: FormErrors = { fields: new Map(), form: [] };
