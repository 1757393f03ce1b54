// The schedule editor: a cron and its timezone (typed, or from a preset), shown in words with the next five
// firings as the server plans them. A preview refusal shows next to its field, like a save's.
import { formErrorsOf, type FieldErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { SCHEDULE_PRESETS, useSchedulePreview } from './schedule-preview';

interface Props {
  cron: string;
  timezone: string;
  /** the save's errors */
  errors: FieldErrors;
  onChange: (next: { cron: string; timezone: string }) => void;
}

export const firingFormat = (timezone: string): Intl.DateTimeFormat | null => {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  } catch {
    return null;
  }
};

export function ScheduleField({ cron, timezone, errors, onChange }: Props) {
  const preview = useSchedulePreview(cron, timezone);
  const previewErrors = preview.error
    ? formErrorsOf(preview.error, (k) => k === 'cron' || k === 'timezone', 'query')
    : null;
  // The save's message wins; else what the preview said about the same field.
  const merged = new Map(errors);
  for (const [k, v] of previewErrors?.fields ?? []) if (!merged.has(k)) merged.set(k, v);
  const data = preview.isError ? undefined : preview.data;
  const format = data ? firingFormat(data.timezone) : null;

  return (
    <fieldset className="list-field schedule-field" data-testid="schedule-field">
      <legend>Schedule</legend>
      <div className="schedule-presets" role="group" aria-label="Schedule presets">
        {SCHEDULE_PRESETS.map((p) => (
          <button
            key={p.cron}
            type="button"
            className="btn btn-small"
            aria-pressed={cron === p.cron}
            onClick={() => onChange({ cron: p.cron, timezone })}
          >
            {p.label}
          </button>
        ))}
      </div>
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="prompt-cron">Cron</label>
          <input
            id="prompt-cron"
            type="text"
            className="mono"
            spellCheck={false}
            autoComplete="off"
            value={cron}
            onChange={(e) => onChange({ cron: e.target.value, timezone })}
            {...invalidProps(merged, 'cron', 'prompt-cron-help')}
          />
          <p id="prompt-cron-help" className="rule-help">
            minute hour day-of-month month day-of-week, e.g. <code>0 9 * * 1-5</code>
          </p>
          <FieldMessages errors={merged} field="cron" />
        </div>
        <div className="form-field">
          <label htmlFor="prompt-timezone">Timezone</label>
          <input
            id="prompt-timezone"
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={timezone}
            onChange={(e) => onChange({ cron, timezone: e.target.value })}
            {...invalidProps(merged, 'timezone', 'prompt-timezone-help')}
          />
          <p id="prompt-timezone-help" className="rule-help">
            IANA name, e.g. Europe/Berlin
          </p>
          <FieldMessages errors={merged} field="timezone" />
        </div>
      </div>
      <div className="schedule-preview" aria-live="polite" data-testid="schedule-preview">
        {previewErrors && previewErrors.form.length > 0 ? (
          <p className="field-error">{previewErrors.form.join(' ')}</p>
        ) : data ? (
          <>
            <p className="schedule-words" data-testid="schedule-words">
              {data.words}
            </p>
            <p className="rule-help">Next firings:</p>
            <ol className="schedule-firings" data-testid="schedule-firings">
              {data.firings.map((f) => (
                <li key={f.at} data-at={f.at}>
                  <time dateTime={f.at}>{format ? format.format(new Date(f.at)) : f.local}</time>
                </li>
              ))}
            </ol>
          </>
        ) : preview.isFetching ? (
          <p className="muted">Reading the schedule…</p>
        ) : null}
      </div>
    </fieldset>
  );
}
