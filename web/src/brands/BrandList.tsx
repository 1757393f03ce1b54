// The project's brands, own first: each opens in the editor (?brand=id).
import { Link } from '@tanstack/react-router';
import type { Brand } from './brand-draft';

interface Props {
  projectId: string;
  brands: Brand[];
  selected: string | undefined;
  colors: ReadonlyMap<string, string>;
  canWrite: boolean;
}

function Group({ title, items, p }: { title: string; items: Brand[]; p: Props }) {
  return (
    <div className="brand-group">
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <ul className="brand-list">
          {items.map((b) => (
            <li key={b.id}>
              <Link
                to="/p/$projectId/brands"
                params={{ projectId: p.projectId }}
                search={{ brand: b.id }}
                className={`brand-link${p.selected === b.id ? ' brand-link-active' : ''}`}
                aria-current={p.selected === b.id ? 'true' : undefined}
              >
                <span className="swatch" style={{ background: p.colors.get(b.name) }} aria-hidden="true" />
                <span className="brand-link-name">{b.name}</span>
                <span className="muted small">
                  {b.aliases.length} {b.aliases.length === 1 ? 'alias' : 'aliases'}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function BrandList(p: Props) {
  const own = p.brands.filter((b) => b.kind === 'own');
  const competitors = p.brands.filter((b) => b.kind === 'competitor');
  return (
    <nav className="panel brand-nav" aria-label="Brands">
      <Group title="Own brand" items={own} p={p} />
      <Group title="Competitors" items={competitors} p={p} />
      {p.canWrite && (
        <div className="brand-add">
          <Link
            className="btn btn-small"
            to="/p/$projectId/brands"
            params={{ projectId: p.projectId }}
            search={{ brand: 'new', kind: 'competitor' }}
          >
            Add competitor
          </Link>
          <Link
            className="btn btn-small btn-ghost"
            to="/p/$projectId/brands"
            params={{ projectId: p.projectId }}
            search={{ brand: 'new', kind: 'own' }}
          >
            Add own brand
          </Link>
        </div>
      )}
    </nav>
  );
}
