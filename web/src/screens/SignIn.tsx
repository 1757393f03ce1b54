import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { describeError, problemOf } from '../api/errors';
import { signIn } from '../api/session';
import { signInRoute } from '../router';

const LINK_ERRORS: Record<string, string> = {
  'link-invalid':
    'That sign-in link is invalid or has expired. Paste an API key instead, or ask for a new link.',
};

/** Paste an API key. The key goes only into the POST body: never into storage or the URL. */
export function SignIn() {
  const { error: linkError } = signInRoute.useSearch();
  const navigate = useNavigate();
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>): Promise<void> {
    e.preventDefault();
    const key = apiKey.trim();
    if (!key) {
      setError('Paste an API key to sign in.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(key);
      setApiKey('');
      await navigate({ to: '/' });
    } catch (err) {
      const p = problemOf(err);
      setError(
        p.kind === 'unauthorized' || p.kind === 'forbidden'
          ? 'That API key was not accepted. Check that it is complete and not revoked.'
          : describeError(err).detail,
      );
    } finally {
      setBusy(false);
    }
  }

  const banner = linkError ? (LINK_ERRORS[linkError] ?? 'Sign-in failed. Paste an API key instead.') : null;

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <div className="logo logo-large">
          <span className="logo-mark" aria-hidden="true" />
          streamrank
        </div>
        <h1>Sign in</h1>
        <p className="muted">See when and where AI answers mention your brand.</p>
        {banner && (
          <p className="notice notice-warn" role="alert">
            {banner}
          </p>
        )}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            aria-describedby={error ? 'sign-in-error' : 'api-key-help'}
            aria-invalid={error ? true : undefined}
            required
          />
          <p id="api-key-help" className="hint">
            An admin key can change settings; a read key shows a read-only app.
          </p>
          {error && (
            <p id="sign-in-error" className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
