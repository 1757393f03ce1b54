// The engine form: name, kind, model, base URL, write-only credential, parameters, limits. Controlled: the
// editor keeps the draft (the connection test sends it too) and the server's errors.
import type { FormEvent, ReactNode } from 'react';
import type { FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { FormErrorList } from '../forms/FormErrorList';
import { useFocusFirstError } from '../forms/use-focus-first-error';
import {
  KIND_HELP,
  KINDS,
  takesBaseUrl,
  takesCredential,
  type Engine,
  type EngineDraft,
} from './engine-draft';
import { EngineParameterFields } from './EngineParameterFields';
import { fieldId, TextField } from './TextField';

interface Props {
  draft: EngineDraft;
  onChange: (next: EngineDraft) => void;
  /** null: a new engine (its kind can be chosen; later it is fixed). */
  engine: Engine | null;
  errors: FormErrors;
  /** Bumped on each failed save or test, so focus moves to the first field in error. */
  errorSerial: number;
  busy: boolean;
  dirty: boolean;
  onSubmit: () => void;
  onReset: () => void;
  /** Shown after the save buttons (the connection test). */
  children?: ReactNode;
}

function credentialHelp(engine: Engine | null, kind: EngineDraft['provider']): string {
  if (engine?.credential.set) {
    return 'Stored encrypted and never shown again. Leave empty to keep it; type a new one to replace it.';
  }
  if (kind === 'openai-compatible') return 'Only if the server asks for one (sent as a Bearer token).';
  return 'Stored encrypted; only its last four characters are ever shown.';
}

export function EngineForm(p: Props) {
  const { draft, onChange, errors, engine } = p;
  const formRef = useFocusFirstError(p.errorSerial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit();
  };
  const f = errors.fields;
  const set = (key: keyof EngineDraft) => (value: string) => onChange({ ...draft, [key]: value });
  const kind = draft.provider;
  const last4 = engine?.credential.last4;
  const stored = engine?.credential.set ? `•••• ${last4 ?? '(stored)'}` : undefined;
  return (
    <form ref={formRef} className="brand-form engine-form" onSubmit={submit} noValidate aria-label="Engine">
      <FormErrorList errors={errors} />
      <div className="form-row">
        <TextField
          field="name"
          label="Name"
          value={draft.name}
          onChange={set('name')}
          errors={f}
          autoFocus={!engine}
          help="How reports and filters name this engine."
        />
        <div className="form-field">
          <label htmlFor={fieldId('provider')}>Kind</label>
          <select
            id={fieldId('provider')}
            value={kind}
            disabled={engine !== null}
            onChange={(e) => onChange({ ...draft, provider: e.target.value as EngineDraft['provider'] })}
            {...invalidProps(f, 'provider', `${fieldId('provider')}-help`)}
          >
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          <p id={`${fieldId('provider')}-help`} className="rule-help">
            {KIND_HELP[kind]}
            {engine && ' Fixed once created, so its measurements stay comparable.'}
          </p>
          <FieldMessages errors={f} field="provider" />
        </div>
      </div>
      <TextField
        field="model"
        label="Model"
        value={draft.model}
        onChange={set('model')}
        errors={f}
        placeholder={kind === 'demo' ? 'streamrank-demo' : 'e.g. gpt-4o-mini'}
      />
      {takesBaseUrl(kind) && (
        <TextField
          field="baseUrl"
          label={kind === 'openai-compatible' ? 'Base URL' : 'Base URL (optional)'}
          type="url"
          value={draft.baseUrl}
          onChange={set('baseUrl')}
          errors={f}
          placeholder={kind === 'openai-compatible' ? 'https://llm.example.com/v1' : "the provider's API"}
          help="The API root including its version. Private and metadata addresses are refused unless the deployment allows them."
        />
      )}
      {takesCredential(kind) && (
        <TextField
          field="credential"
          label="API key"
          type="password"
          autoComplete="new-password"
          value={draft.credential}
          onChange={set('credential')}
          errors={f}
          placeholder={stored}
          help={credentialHelp(engine, kind)}
        />
      )}
      <EngineParameterFields draft={draft} onChange={onChange} errors={f} />
      {kind !== 'demo' && (
        <fieldset className="list-field">
          <legend>Limits</legend>
          <div className="form-row form-row-even">
            <TextField
              field="maxConcurrency"
              label="Streams at once"
              inputMode="numeric"
              value={draft.maxConcurrency}
              onChange={set('maxConcurrency')}
              errors={f}
              help="Across every worker; empty: no limit."
            />
            <TextField
              field="maxRequestsPerMinute"
              label="Requests per minute"
              inputMode="numeric"
              value={draft.maxRequestsPerMinute}
              onChange={set('maxRequestsPerMinute')}
              errors={f}
              help="Across every worker; empty: no limit."
            />
          </div>
        </fieldset>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={p.busy}>
          {p.busy ? 'Saving…' : engine ? 'Save changes' : 'Create engine'}
        </button>
        <button type="button" className="btn" disabled={p.busy || !p.dirty} onClick={p.onReset}>
          Discard changes
        </button>
        {p.children}
      </div>
    </form>
  );
}
