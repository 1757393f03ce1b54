// What a connection test found: the outcome in words, its class as a badge, and the figures of the call.
import type { EngineTestResult } from './engine-draft';

const WORDS: Record<EngineTestResult['outcome'], { title: string; hint: string }> = {
  ok: { title: 'Connected', hint: 'The engine answered; runs can use it.' },
  auth: { title: 'The API key was refused', hint: 'Check the key and its permissions, then test again.' },
  quota: {
    title: 'Out of quota or credit',
    hint: "The account's quota or billing must be sorted out with the provider.",
  },
  rate_limited: {
    title: 'Rate limited',
    hint: 'The provider asked to slow down; runs wait and retry. Test again later.',
  },
  unreachable: {
    title: 'Could not reach the server',
    hint: 'Nothing answered at that address: check the base URL, the port and that the server runs.',
  },
  egress_refused: {
    title: 'Refused by the egress policy',
    hint: 'The address is private, loopback, link-local or metadata, which this deployment does not call.',
  },
  timeout: { title: 'No answer in time', hint: 'The server accepted the call but did not finish answering.' },
  invalid_request: {
    title: 'The request was refused',
    hint: 'Often a wrong model name or a parameter the model does not take.',
  },
  server_error: { title: 'The provider failed', hint: 'A server error on their side; runs retry these.' },
  stream_error: {
    title: 'The answer stream broke',
    hint: 'The server answered but its stream was not what the API promises.',
  },
};

export function TestResult({ result }: { result: EngineTestResult }) {
  const words = WORDS[result.outcome];
  const ok = result.outcome === 'ok';
  const figures = [
    result.httpStatus !== null ? `HTTP ${result.httpStatus}` : null,
    result.ttftMs !== null ? `first text after ${result.ttftMs} ms` : null,
    result.latencyMs !== null ? `${result.latencyMs} ms in all` : null,
    result.model ? `model ${result.model}` : null,
  ].filter(Boolean);
  return (
    <div
      className={`notice test-result ${ok ? 'test-ok' : 'notice-error'}`}
      role="status"
      data-testid="test-result"
      data-outcome={result.outcome}
    >
      <p className="test-title">
        <span className={`badge outcome-badge outcome-${ok ? 'ok' : 'bad'}`}>{result.outcome}</span>{' '}
        <strong>{words.title}.</strong> {words.hint}
      </p>
      {!ok && <p className="test-message">{result.message}</p>}
      {result.reply !== null && result.reply !== '' && (
        <p>
          It answered: <q>{result.reply}</q>
        </p>
      )}
      {figures.length > 0 && <p className="small">{figures.join(' · ')}</p>}
    </div>
  );
}
