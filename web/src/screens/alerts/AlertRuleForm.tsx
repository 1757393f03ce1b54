// The alert rule form: name, kind, enabled and the kind's parameters. Controlled: the editor keeps the draft
// (the preview reads it) and the server's errors, shown next to their fields.
import type { FormEvent } from 'react';
import type { Brand } from '../../brands/brand-draft';
import type { FormErrors } from '../../forms/field-errors';
import { FieldMessages, invalidProps } from '../../forms/FieldMessages';
import { FormErrorList } from '../../forms/FormErrorList';
import { useFocusFirstError } from '../../forms/use-focus-first-error';
import { KIND_LABEL } from './alert-labels';
import { KIND_PARAMS, NUMERIC, type AlertRuleKind, type ParamKey, type RuleDraft } from './rule-draft';
import { KIND_HELP, PARAM_HELP, PARAM_LABEL } from './rule-text';

interface Props {
  draft: RuleDraft;
  onChange: (next: RuleDraft) => void;
  /** Editing a stored rule: its kind is fixed. */
  kindFixed: boolean;
  brands: Brand[];
  errors: FormErrors;
  /** Bumped on each failed save, so focus moves to the first field in error. */
  errorSerial: number;
  submitLabel: string;
  busy: boolean;
  dirty: boolean;
  onSubmit: () => void;
  onCancel: () => void;
}

function ParamField({ k, p }: { k: ParamKey; p: Props }) {
  const { draft, onChange, errors } = p;
  const id = `rule-${k}`;
  const field = `params.${k}`;
  const set = (v: string) => onChange({ ...draft, params: { ...draft.params, [k]: v } });
  const props = { id, value: draft.params[k], ...invalidProps(errors.fields, field, `${id}-help`) };
  let input;
  if (k === 'brandId' || k === 'competitorId') {
    const options = p.brands.filter((b) => (k === 'competitorId' ? b.kind === 'competitor' : true));
    input = (
      <select {...props} onChange={(e) => set(e.target.value)}>
        <option value="">{k === 'brandId' ? 'The own brand' : 'Choose a competitor'}</option>
        {options.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
    );
  } else if (k === 'direction') {
    input = (
      <select {...props} onChange={(e) => set(e.target.value)}>
        <option value="">Both (default)</option>
        <option value="entering">Entering only</option>
        <option value="leaving">Leaving only</option>
      </select>
    );
  } else {
    input = (
      <input
        {...props}
        type="text"
        inputMode={NUMERIC.has(k) ? 'decimal' : undefined}
        onChange={(e) => set(e.target.value)}
      />
    );
  }
  return (
    <div className="form-field">
      <label htmlFor={id}>{PARAM_LABEL[k]}</label>
      {input}
      <p id={`${id}-help`} className="rule-help">
        {PARAM_HELP[k]}
      </p>
      <FieldMessages errors={errors.fields} field={field} />
    </div>
  );
}

export function AlertRuleForm(p: Props) {
  const { draft, onChange, errors } = p;
  const f = errors.fields;
  const formRef = useFocusFirstError(p.errorSerial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit();
  };
  return (
    <form ref={formRef} className="brand-form" onSubmit={submit} noValidate aria-label="Alert rule">
      <FormErrorList errors={errors} />
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="rule-name">Name</label>
          <input
            id="rule-name"
            type="text"
            value={draft.name}
            autoFocus={!p.kindFixed}
            onChange={(e) => onChange({ ...draft, name: e.target.value })}
            {...invalidProps(f, 'name')}
          />
          <FieldMessages errors={f} field="name" />
        </div>
        <div className="form-field">
          <label htmlFor="rule-kind">Kind</label>
          <select
            id="rule-kind"
            value={draft.kind}
            disabled={p.kindFixed}
            onChange={(e) => onChange({ ...draft, kind: e.target.value as AlertRuleKind })}
            {...invalidProps(f, 'kind', 'rule-kind-help')}
          >
            {Object.entries(KIND_LABEL).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
          <p id="rule-kind-help" className="rule-help">
            {KIND_HELP[draft.kind]}
          </p>
          <FieldMessages errors={f} field="kind" />
        </div>
      </div>
      <FieldMessages errors={f} field="params" />
      <div className="rule-params">
        {KIND_PARAMS[draft.kind].map((k) => (
          <ParamField key={k} k={k} p={p} />
        ))}
      </div>
      <div className="form-check">
        <input
          id="rule-enabled"
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => onChange({ ...draft, enabled: e.target.checked })}
          {...invalidProps(f, 'enabled')}
        />
        <div>
          <label htmlFor="rule-enabled">Enabled</label>
          <FieldMessages errors={f} field="enabled" />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={p.busy}>
          {p.busy ? 'Saving…' : p.submitLabel}
        </button>
        <button type="button" className="btn" disabled={p.busy} onClick={p.onCancel}>
          {p.dirty ? 'Discard changes' : 'Close'}
        </button>
      </div>
    </form>
  );
}
