import { errorId, type FieldErrors } from './field-errors';

/** The server's messages for one field, referenced by the field's aria-describedby. */
export function FieldMessages({ errors, field }: { errors: FieldErrors; field: string }) {
  const messages = errors.get(field);
  if (!messages?.length) return null;
  return (
    <p id={errorId(field)} className="field-error" data-field={field}>
      {messages.join('; ')}
    </p>
  );
}

/** Props that tie an input to its error text. */
export function invalidProps(errors: FieldErrors, field: string, help?: string) {
  const has = Boolean(errors.get(field)?.length);
  const describedBy = [has ? errorId(field) : undefined, help].filter(Boolean).join(' ');
  return {
    'aria-invalid': has ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'data-field': field,
  } as const;
}
