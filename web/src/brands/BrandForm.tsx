// The brand form: name, kind, ambiguous, aliases with their rules, exclusions, domains. Controlled: the
// editor keeps the draft (the explain box tests it) and the server's errors.
import type { FormEvent } from 'react';
import { AliasRow } from './AliasRow';
import { aliasDraft, type BrandDraft } from './brand-draft';
import type { FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { FormErrorList } from '../forms/FormErrorList';
import { useFocusFirstError } from '../forms/use-focus-first-error';
import { ALIASES_HELP, AMBIGUOUS_HELP, DOMAINS_HELP, EXCLUSIONS_HELP } from './rule-text';
import { StringListField } from './StringListField';

interface Props {
  draft: BrandDraft;
  onChange: (next: BrandDraft) => void;
  errors: FormErrors;
  /** Bumped on each failed save, so focus moves to the first field in error. */
  errorSerial: number;
  submitLabel: string;
  /** A new brand: the name field takes the focus. */
  focusName: boolean;
  busy: boolean;
  dirty: boolean;
  onSubmit: () => void;
  onReset: () => void;
}

export function BrandForm(p: Props) {
  const { draft, onChange, errors } = p;
  const formRef = useFocusFirstError(p.errorSerial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit();
  };
  const f = errors.fields;
  return (
    <form ref={formRef} className="brand-form" onSubmit={submit} noValidate aria-label="Brand">
      <FormErrorList errors={errors} />
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="brand-name">Name</label>
          <input
            id="brand-name"
            type="text"
            autoFocus={p.focusName}
            value={draft.name}
            onChange={(e) => onChange({ ...draft, name: e.target.value })}
            {...invalidProps(f, 'name', 'brand-name-help')}
          />
          <p id="brand-name-help" className="rule-help">
            Always counts, with the default rules, unless an alias with the same text overrides them.
          </p>
          <FieldMessages errors={f} field="name" />
        </div>
        <div className="form-field">
          <label htmlFor="brand-kind">Kind</label>
          <select
            id="brand-kind"
            value={draft.kind}
            onChange={(e) => onChange({ ...draft, kind: e.target.value as BrandDraft['kind'] })}
            {...invalidProps(f, 'kind')}
          >
            <option value="own">Own brand</option>
            <option value="competitor">Competitor</option>
          </select>
          <FieldMessages errors={f} field="kind" />
        </div>
      </div>
      <div className="form-check">
        <input
          id="brand-ambiguous"
          type="checkbox"
          checked={draft.ambiguous}
          onChange={(e) => onChange({ ...draft, ambiguous: e.target.checked })}
          {...invalidProps(f, 'ambiguous', 'brand-ambiguous-help')}
        />
        <div>
          <label htmlFor="brand-ambiguous">Ambiguous name</label>
          <p id="brand-ambiguous-help" className="rule-help">
            {AMBIGUOUS_HELP}
          </p>
          <FieldMessages errors={f} field="ambiguous" />
        </div>
      </div>
      <fieldset className="list-field" data-testid="aliases-field">
        <legend>Aliases</legend>
        <p className="rule-help">{ALIASES_HELP}</p>
        <FieldMessages errors={f} field="aliases" />
        {draft.aliases.length > 0 && (
          <ul className="plain-list">
            {draft.aliases.map((a, i) => (
              <AliasRow
                key={a.key}
                alias={a}
                index={i}
                errors={f}
                onChange={(next) =>
                  onChange({ ...draft, aliases: draft.aliases.map((x) => (x.key === a.key ? next : x)) })
                }
                onRemove={() => onChange({ ...draft, aliases: draft.aliases.filter((x) => x.key !== a.key) })}
              />
            ))}
          </ul>
        )}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange({ ...draft, aliases: [...draft.aliases, aliasDraft()] })}
        >
          Add alias
        </button>
      </fieldset>
      <StringListField
        field="exclusions"
        legend="Exclusions"
        help={EXCLUSIONS_HELP}
        itemLabel="Exclusion"
        placeholder="e.g. apple pie"
        items={draft.exclusions}
        errors={f}
        onChange={(exclusions) => onChange({ ...draft, exclusions })}
      />
      <StringListField
        field="domains"
        legend="Domains"
        help={DOMAINS_HELP}
        itemLabel="Domain"
        placeholder="e.g. acme.com"
        items={draft.domains}
        errors={f}
        onChange={(domains) => onChange({ ...draft, domains })}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={p.busy}>
          {p.busy ? 'Saving…' : p.submitLabel}
        </button>
        <button type="button" className="btn" disabled={p.busy || !p.dirty} onClick={p.onReset}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
