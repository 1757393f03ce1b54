// A list of strings (exclusions, domains): one input each, added and removed one by one.
import { itemDraft, type ItemDraft } from './brand-draft';
import type { FieldErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';

interface Props {
  field: 'exclusions' | 'domains';
  legend: string;
  help: string;
  itemLabel: string;
  placeholder: string;
  items: ItemDraft[];
  errors: FieldErrors;
  onChange: (next: ItemDraft[]) => void;
}

export function StringListField({
  field,
  legend,
  help,
  itemLabel,
  placeholder,
  items,
  errors,
  onChange,
}: Props) {
  const helpId = `${field}-help`;
  return (
    <fieldset className="list-field" data-testid={`${field}-field`}>
      <legend>{legend}</legend>
      <p id={helpId} className="rule-help">
        {help}
      </p>
      <FieldMessages errors={errors} field={field} />
      {items.length > 0 && (
        <ul className="plain-list">
          {items.map((item, i) => (
            <li key={item.key}>
              <div className="alias-head">
                <label htmlFor={`${field}-${item.key}`} className="visually-hidden">
                  {itemLabel} {i + 1}
                </label>
                <input
                  id={`${field}-${item.key}`}
                  type="text"
                  value={item.value}
                  placeholder={placeholder}
                  onChange={(e) =>
                    onChange(items.map((x) => (x.key === item.key ? { ...x, value: e.target.value } : x)))
                  }
                  {...invalidProps(errors, `${field}.${i}`)}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  aria-label={`Remove ${itemLabel.toLowerCase()} ${item.value || i + 1}`}
                  onClick={() => onChange(items.filter((x) => x.key !== item.key))}
                >
                  Remove
                </button>
              </div>
              <FieldMessages errors={errors} field={`${field}.${i}`} />
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn-small" onClick={() => onChange([...items, itemDraft()])}>
        Add {itemLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}
