// The signing secret, shown once (right after create or rotate): a copy button and a plain warning. It lives
// only in this component's props: never in the URL, storage or the query cache.
import { useState } from 'react';

export function SecretReveal({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <section className="panel secret-box" aria-labelledby="secret-title" data-testid="webhook-secret">
      <h2 id="secret-title">Signing secret</h2>
      <p className="notice notice-warn">
        Copy it now: you will not see this secret again. Your receiver checks each request’s{' '}
        <code>webhook-signature</code> with it.
      </p>
      <div className="secret-value">
        <code data-testid="secret-value">{secret}</code>
        <button
          type="button"
          className="btn"
          onClick={() => {
            void navigator.clipboard
              .writeText(secret)
              .then(() => setCopied('yes'))
              .catch(() => setCopied('failed'));
          }}
        >
          Copy secret
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Copy failed: select it instead.'
            : ''}
      </p>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
