// The Engines screen (workspace level): the answer engines the prompts ask, with their kind, model, status
// and key; an admin key creates, edits, tests, re-enables and deletes them (a read key reads them).
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { enginesQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { enginesRoute } from '../router';
import { EmptyState, ErrorState, Loading } from '../ui';
import { DisabledBanner } from './DisabledBanner';
import { EngineDetails } from './EngineDetails';
import { EngineEditor } from './EngineEditor';
import { EngineList } from './EngineList';
import '../brands/brands.css';
import './engines.css';

export function EnginesScreen() {
  const search = enginesRoute.useSearch();
  const navigate = useNavigate({ from: '/engines' });
  const canWrite = useCanWrite();
  const enginesQ = useQuery(enginesQuery());

  const body = () => {
    if (enginesQ.isPending) return <Loading label="Loading engines…" />;
    if (enginesQ.error) return <ErrorState error={enginesQ.error} onRetry={() => void enginesQ.refetch()} />;
    const engines = enginesQ.data.data;
    const creating = canWrite && search.engine === 'new';
    const selected = creating ? undefined : (engines.find((e) => e.id === search.engine) ?? engines[0]);
    return (
      <div className="brands-layout">
        <EngineList engines={engines} selected={selected?.id} canWrite={canWrite} />
        <div className="brands-main">
          {!canWrite && (
            <p className="notice notice-info" data-testid="read-only-note">
              Read-only: you signed in with a read key, which can view the engines but not change or test
              them. Sign in with an admin key to edit.
            </p>
          )}
          {canWrite && (creating || selected) ? (
            <EngineEditor
              key={creating ? 'new' : selected!.id}
              engine={creating ? null : selected!}
              onSaved={(saved) => void navigate({ search: { engine: saved.id } })}
              onDeleted={() => void navigate({ search: {} })}
            />
          ) : selected ? (
            <section className="panel" aria-labelledby="engine-title">
              <div className="panel-head">
                <h2 id="engine-title">{selected.name}</h2>
              </div>
              <DisabledBanner engine={selected} canWrite={false} />
              <EngineDetails engine={selected} />
            </section>
          ) : (
            <EmptyState title="No engines yet">
              <p>
                {canWrite
                  ? 'Add an answer engine (a provider and a model) for the prompts to ask.'
                  : 'An admin has not added any engines to this workspace yet.'}
              </p>
            </EmptyState>
          )}
        </div>
      </div>
    );
  };

  return (
    <main id="main" className="project" tabIndex={-1}>
      <div className="project-bar">
        <h1 className="project-name">Engines</h1>
      </div>
      <div className="content">{body()}</div>
    </main>
  );
}
