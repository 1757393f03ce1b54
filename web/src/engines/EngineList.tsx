// The workspace's engines: kind, model, status and the key's last four; each opens on the right (?engine=id).
import { Link } from '@tanstack/react-router';
import { kindLabel, type Engine } from './engine-draft';

interface Props {
  engines: Engine[];
  selected: string | undefined;
  canWrite: boolean;
}

export function keyText(engine: Engine): string {
  if (!engine.credential.set) return 'no key';
  return engine.credential.last4 ? `key ••••${engine.credential.last4}` : 'key set';
}

export function StatusBadge({ engine }: { engine: Engine }) {
  if (engine.disabledReason) return <span className="badge badge-disabled">Disabled</span>;
  if (engine.synthetic) return <span className="badge badge-synthetic">Synthetic</span>;
  return <span className="badge badge-enabled">Enabled</span>;
}

export function EngineList({ engines, selected, canWrite }: Props) {
  return (
    <nav className="panel brand-nav" aria-label="Engines">
      {engines.length === 0 ? (
        <p className="muted small">No engines yet.</p>
      ) : (
        <ul className="brand-list" data-testid="engine-list">
          {engines.map((e) => (
            <li key={e.id}>
              <Link
                to="/engines"
                search={{ engine: e.id }}
                className={`brand-link engine-link${selected === e.id ? ' brand-link-active' : ''}`}
                aria-current={selected === e.id ? 'true' : undefined}
                data-engine={e.id}
              >
                <span className="engine-link-head">
                  <span className="brand-link-name">{e.name}</span>
                  <StatusBadge engine={e} />
                </span>
                <span className="muted small engine-link-meta">
                  {kindLabel(e.provider)} · {e.model} · {keyText(e)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <div className="brand-add">
          <Link className="btn btn-small" to="/engines" search={{ engine: 'new' }}>
            Add engine
          </Link>
        </div>
      )}
    </nav>
  );
}
