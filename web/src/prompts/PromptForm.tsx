// The prompt form: text, tags, engines, samples per slot, schedule, active. Controlled: the editor keeps the
// draft and the server's errors; nothing typed is dropped on an error.
import type { FormEvent } from 'react';
import { errorId, type FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { FormErrorList } from '../forms/FormErrorList';
import { useFocusFirstError } from '../forms/use-focus-first-error';
import type { Engine } from '../runs/api-types';
import type { PromptDraft } from './prompt-draft';
import { ScheduleField } from './ScheduleField';

interface Props {
  draft: PromptDraft;
  engines: Engine[];
  onChange: (next: PromptDraft) => void;
  errors: FormErrors;
  /** Bumped on each failed save, so focus moves to the first field in error. */
  errorSerial: number;
  submitLabel: string;
  isNew: boolean;
  busy: boolean;
  dirty: boolean;
  onSubmit: () => void;
  onReset: () => void;
}

export function PromptForm(p: Props) {
  const { draft, onChange, errors } = p;
  const formRef = useFocusFirstError(p.errorSerial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit();
  };
  const f = errors.fields;
  const toggleEngine = (id: string, on: boolean) =>
    onChange({
      ...draft,
      engineIds: on ? [...draft.engineIds, id] : draft.engineIds.filter((x) => x !== id),
    });

  return (
    <form ref={formRef} className="prompt-form" onSubmit={submit} noValidate aria-label="Prompt">
      <FormErrorList errors={errors} />
      <div className="form-field">
        <label htmlFor="prompt-text">Prompt text</label>
        <textarea
          id="prompt-text"
          rows={3}
          autoFocus={p.isNew}
          value={draft.text}
          onChange={(e) => onChange({ ...draft, text: e.target.value })}
          {...invalidProps(f, 'text', 'prompt-text-help')}
        />
        <p id="prompt-text-help" className="rule-help">
          Asked as written to every engine below. Changing it starts a new revision; past runs keep the text
          they asked.
        </p>
        <FieldMessages errors={f} field="text" />
      </div>
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="prompt-tags">Tags</label>
          <input
            id="prompt-tags"
            type="text"
            value={draft.tags}
            placeholder="e.g. crm, pricing"
            onChange={(e) => onChange({ ...draft, tags: e.target.value })}
            {...invalidProps(f, 'tags', 'prompt-tags-help')}
          />
          <p id="prompt-tags-help" className="rule-help">
            Comma-separated; reports filter and group by them.
          </p>
          <FieldMessages errors={f} field="tags" />
        </div>
        <div className="form-field">
          <label htmlFor="prompt-samples">Samples per slot</label>
          <input
            id="prompt-samples"
            type="text"
            inputMode="numeric"
            value={draft.samplesPerSlot}
            onChange={(e) => onChange({ ...draft, samplesPerSlot: e.target.value })}
            {...invalidProps(f, 'samplesPerSlot', 'prompt-samples-help')}
          />
          <p id="prompt-samples-help" className="rule-help">
            Runs per engine at each firing.
          </p>
          <FieldMessages errors={f} field="samplesPerSlot" />
        </div>
      </div>
      <fieldset
        className="list-field"
        data-field="engineIds"
        aria-describedby={[f.get('engineIds')?.length ? errorId('engineIds') : '', 'prompt-engines-help']
          .join(' ')
          .trim()}
      >
        <legend>Engines</legend>
        <p id="prompt-engines-help" className="rule-help">
          The prompt runs on each engine checked.
        </p>
        <FieldMessages errors={f} field="engineIds" />
        {p.engines.length === 0 ? (
          <p className="muted">No engines in this workspace yet.</p>
        ) : (
          <ul className="plain-list engine-checks">
            {p.engines.map((e) => (
              <li key={e.id} className="form-check">
                <input
                  id={`engine-${e.id}`}
                  type="checkbox"
                  checked={draft.engineIds.includes(e.id)}
                  onChange={(ev) => toggleEngine(e.id, ev.target.checked)}
                  aria-invalid={f.get('engineIds')?.length ? true : undefined}
                />
                <label htmlFor={`engine-${e.id}`}>
                  {e.name}
                  <span className="muted"> · {e.model}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <ScheduleField
        cron={draft.cron}
        timezone={draft.timezone}
        errors={f}
        onChange={(s) => onChange({ ...draft, ...s })}
      />
      {p.isNew && (
        <div className="form-check">
          <input
            id="prompt-active"
            type="checkbox"
            checked={draft.active}
            onChange={(e) => onChange({ ...draft, active: e.target.checked })}
            {...invalidProps(f, 'active', 'prompt-active-help')}
          />
          <div>
            <label htmlFor="prompt-active">Start active</label>
            <p id="prompt-active-help" className="rule-help">
              Unchecked, the prompt is saved paused: it runs only when run now, until resumed.
            </p>
            <FieldMessages errors={f} field="active" />
          </div>
        </div>
      )}
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
