// One alias: its text and its four rules, each "default" (left out: the detection defaults apply), on or off.
import { ALIAS_RULES, type AliasDraft, type AliasRule, type RuleChoice } from './brand-draft';
import type { FieldErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { RULE_HELP, RULE_LABEL } from './rule-text';

interface Props {
  alias: AliasDraft;
  index: number;
  errors: FieldErrors;
  onChange: (next: AliasDraft) => void;
  onRemove: () => void;
}

const CHOICES: { value: RuleChoice; label: string }[] = [
  { value: 'default', label: 'Default' },
  { value: 'on', label: 'On' },
  { value: 'off', label: 'Off' },
];

export function AliasRow({ alias, index, errors, onChange, onRemove }: Props) {
  const base = `aliases.${index}`;
  const inputId = `alias-${alias.key}`;
  const setRule = (rule: AliasRule, value: RuleChoice) =>
    onChange({ ...alias, rules: { ...alias.rules, [rule]: value } });
  return (
    <li className="alias-row">
      <div className="alias-head">
        <label htmlFor={inputId} className="visually-hidden">
          Alias {index + 1}
        </label>
        <input
          id={inputId}
          type="text"
          value={alias.text}
          placeholder="Alias text"
          onChange={(e) => onChange({ ...alias, text: e.target.value })}
          {...invalidProps(errors, `${base}.text`)}
        />
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={onRemove}
          aria-label={`Remove alias ${alias.text || index + 1}`}
        >
          Remove
        </button>
      </div>
      <FieldMessages errors={errors} field={`${base}.text`} />
      <FieldMessages errors={errors} field={base} />
      <div className="alias-rules">
        {ALIAS_RULES.map((rule) => {
          const id = `${inputId}-${rule}`;
          return (
            <div className="rule" key={rule}>
              <label htmlFor={id}>{RULE_LABEL[rule]}</label>
              <select
                id={id}
                value={alias.rules[rule]}
                onChange={(e) => setRule(rule, e.target.value as RuleChoice)}
                {...invalidProps(errors, `${base}.${rule}`, `${id}-help`)}
              >
                {CHOICES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
              <p id={`${id}-help`} className="rule-help">
                {RULE_HELP[rule]}
              </p>
              <FieldMessages errors={errors} field={`${base}.${rule}`} />
            </div>
          );
        })}
      </div>
    </li>
  );
}
