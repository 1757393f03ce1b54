import type { FormErrors } from './field-errors';

/** What no field of a form shows (a network error, a refusal), as sentences. */
export function FormErrorList({ errors }: { errors: FormErrors }) {
  if (errors.form.length === 0) return null;
  return (
    <div className="notice notice-error form-errors" role="alert" tabIndex={-1}>
      {errors.form.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
