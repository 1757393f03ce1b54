// An engine as a read key sees it: its configuration, never its key (only whether one is set, last four).
import { kindLabel, type Engine } from './engine-draft';
import { keyText } from './EngineList';

export function EngineDetails({ engine }: { engine: Engine }) {
  const p = engine.parameters;
  const rows: [string, string][] = [
    ['Kind', kindLabel(engine.provider)],
    ['Model', engine.model],
    ['Base URL', engine.baseUrl ?? "the provider's default"],
    ['API key', keyText(engine)],
    ['System prompt', p.systemPrompt ?? '—'],
    ['Temperature', p.temperature === undefined ? 'default' : String(p.temperature)],
    ['Max tokens', p.maxTokens === undefined ? 'default' : String(p.maxTokens)],
    ['Web search', p.webSearch ? 'on' : 'off'],
    ['Region', p.region ?? '—'],
    ['Streams at once', engine.maxConcurrency === null ? 'no limit' : String(engine.maxConcurrency)],
    [
      'Requests per minute',
      engine.maxRequestsPerMinute === null ? 'no limit' : String(engine.maxRequestsPerMinute),
    ],
  ];
  return (
    <dl className="kv engine-details" data-testid="engine-details">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
