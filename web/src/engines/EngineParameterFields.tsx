// The parameters an engine's kind uses: system prompt (persona), temperature, max tokens, web search, region,
// the OpenAI API flavour, Ollama's native API, a thinking budget, the demo seed.
import type { FieldErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { usesParam, type EngineDraft } from './engine-draft';
import { fieldId, TextField } from './TextField';

interface Props {
  draft: EngineDraft;
  onChange: (next: EngineDraft) => void;
  errors: FieldErrors;
}

function Check(p: Props & { k: 'webSearch' | 'ollamaNative'; label: string; help: string }) {
  const field = `parameters.${p.k}`;
  const id = fieldId(field);
  return (
    <div className="form-check">
      <input
        id={id}
        type="checkbox"
        checked={p.draft[p.k]}
        onChange={(e) => p.onChange({ ...p.draft, [p.k]: e.target.checked })}
        {...invalidProps(p.errors, field, `${id}-help`)}
      />
      <div>
        <label htmlFor={id}>{p.label}</label>
        <p id={`${id}-help`} className="rule-help">
          {p.help}
        </p>
        <FieldMessages errors={p.errors} field={field} />
      </div>
    </div>
  );
}

export function EngineParameterFields(p: Props) {
  const { draft, onChange, errors } = p;
  const use = (key: Parameters<typeof usesParam>[1]) => usesParam(draft.provider, key);
  const set = (key: keyof EngineDraft) => (value: string) => onChange({ ...draft, [key]: value });
  return (
    <fieldset className="list-field" data-testid="parameters-field">
      <legend>Parameters</legend>
      <FieldMessages errors={errors} field="parameters" />
      {use('systemPrompt') && (
        <TextField
          field="parameters.systemPrompt"
          label="System prompt (persona)"
          multiline
          value={draft.systemPrompt}
          onChange={set('systemPrompt')}
          errors={errors}
          help="Sent before every prompt; leave empty to ask as a plain user would."
        />
      )}
      {(use('temperature') || use('maxTokens')) && (
        <div className="form-row form-row-even">
          <TextField
            field="parameters.temperature"
            label="Temperature"
            inputMode="decimal"
            value={draft.temperature}
            onChange={set('temperature')}
            errors={errors}
            help="0 to 2; empty: the provider's default."
          />
          <TextField
            field="parameters.maxTokens"
            label="Max tokens"
            inputMode="numeric"
            value={draft.maxTokens}
            onChange={set('maxTokens')}
            errors={errors}
            help="Longest answer; empty: the provider's default."
          />
        </div>
      )}
      {use('api') && (
        <div className="form-field">
          <label htmlFor={fieldId('parameters.api')}>API</label>
          <select
            id={fieldId('parameters.api')}
            value={draft.api}
            onChange={(e) => onChange({ ...draft, api: e.target.value as EngineDraft['api'] })}
            {...invalidProps(errors, 'parameters.api')}
          >
            <option value="chat">Chat Completions</option>
            <option value="responses">Responses (needed for web search)</option>
          </select>
          <FieldMessages errors={errors} field="parameters.api" />
        </div>
      )}
      {use('webSearch') && (
        <Check
          {...p}
          k="webSearch"
          label="Web search"
          help="Let the engine search the web and cite sources."
        />
      )}
      {use('region') && (
        <TextField
          field="parameters.region"
          label="Region"
          value={draft.region}
          onChange={set('region')}
          errors={errors}
          placeholder="e.g. US"
          help="Where the searching user is, for providers that take a location."
        />
      )}
      {use('ollamaNative') && (
        <Check
          {...p}
          k="ollamaNative"
          label="Ollama native API"
          help="Speak Ollama's /api/chat instead of Chat Completions (the base URL is the server root)."
        />
      )}
      {use('thinkingBudgetTokens') && (
        <TextField
          field="parameters.thinkingBudgetTokens"
          label="Thinking budget (tokens)"
          inputMode="numeric"
          value={draft.thinkingBudgetTokens}
          onChange={set('thinkingBudgetTokens')}
          errors={errors}
          help="Extended thinking where the model supports it, kept apart from the answer; empty: none."
        />
      )}
      {use('seed') && (
        <TextField
          field="parameters.seed"
          label="Seed"
          value={draft.seed}
          onChange={set('seed')}
          errors={errors}
          help="Makes the synthetic answers reproducible."
        />
      )}
    </fieldset>
  );
}
