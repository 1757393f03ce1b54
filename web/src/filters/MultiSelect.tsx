import { useId } from 'react';

export interface Option {
  value: string;
  label: string;
}

interface Props {
  label: string;
  options: Option[];
  selected: string[];
  onChange: (next: string[]) => void;
  allLabel?: string;
}

/** A disclosure with checkboxes (keyboard: Tab to the summary, Enter/Space to open, Tab through boxes). */
export function MultiSelect({ label, options, selected, onChange, allLabel = 'All' }: Props) {
  const id = useId();
  const chosen = new Set(selected);
  const summary =
    selected.length === 0
      ? allLabel
      : selected.length === 1
        ? (options.find((o) => o.value === selected[0])?.label ?? '1 selected')
        : `${selected.length} selected`;
  return (
    <div className="field">
      <span id={`${id}-label`}>{label}</span>
      <details className="multi">
        <summary aria-labelledby={`${id}-label ${id}-value`}>
          <span id={`${id}-value`}>{summary.length > 28 ? `${summary.slice(0, 27)}…` : summary}</span>
        </summary>
        <fieldset className="multi-panel">
          <legend className="visually-hidden">{label}</legend>
          {options.length === 0 && <p className="muted">Nothing to choose</p>}
          {selected.length > 0 && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange([])}>
              Clear ({allLabel.toLowerCase()})
            </button>
          )}
          {options.map((o) => (
            <label key={o.value}>
              <input
                type="checkbox"
                checked={chosen.has(o.value)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))
                }
              />
              <span>{o.label}</span>
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
