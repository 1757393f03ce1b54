import { Link } from '@tanstack/react-router';

/** Unknown URLs and API 404s (another workspace's run URL is a not-found page too). */
export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <main id="main" className="not-found" tabIndex={-1}>
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <h1>Not found</h1>
      <p className="muted">This {what} does not exist, or it belongs to another workspace.</p>
      <Link to="/" className="btn">
        Back to your projects
      </Link>
    </main>
  );
}
