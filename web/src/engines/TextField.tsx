// One labelled text input of the engine form, its help and the server's messages for it.
import type { FieldErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';

interface Props {
  /** The API field (`model`, `parameters.temperature`): where a 400 issue lands. */
  field: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: FieldErrors;
  help?: string;
  type?: 'text' | 'password' | 'url';
  inputMode?: 'decimal' | 'numeric';
  placeholder?: string;
  autoFocus?: boolean;
  autoComplete?: string;
  multiline?: boolean;
}

export const fieldId = (field: string): string => `engine-${field.replace(/\W/g, '-')}`;

export function TextField(p: Props) {
  const id = fieldId(p.field);
  const helpId = p.help ? `${id}-help` : undefined;
  const common = {
    id,
    value: p.value,
    placeholder: p.placeholder,
    ...invalidProps(p.errors, p.field, helpId),
  };
  return (
    <div className="form-field">
      <label htmlFor={id}>{p.label}</label>
      {p.multiline ? (
        <textarea rows={3} {...common} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input
          type={p.type ?? 'text'}
          inputMode={p.inputMode}
          autoFocus={p.autoFocus}
          autoComplete={p.autoComplete ?? 'off'}
          spellCheck={false}
          {...common}
          onChange={(e) => p.onChange(e.target.value)}
        />
      )}
      {p.help && (
        <p id={helpId} className="rule-help">
          {p.help}
        </p>
      )}
      <FieldMessages errors={p.errors} field={p.field} />
    </div>
  );
}
