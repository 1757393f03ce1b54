// The Brands screen: the own brand and competitors with their aliases, rules, exclusions and domains; an admin
// key edits them (a read key reads them), tests text against the real matcher and recomputes history.
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { brandsQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { brandsRoute } from '../router';
import { useBrands } from '../screens/shared/brand-colors';
import { EmptyState, ErrorState, Loading } from '../ui';
import { BackfillOffer, BackfillStatus } from './BackfillProgress';
import { BrandDetails } from './BrandDetails';
import { BrandEditor } from './BrandEditor';
import { BrandList } from './BrandList';
import type { BrandsSearch } from './brands-search';
import { ExplainBox } from './ExplainBox';
import './brands.css';

export function BrandsScreen() {
  const { projectId } = brandsRoute.useParams();
  const search = brandsRoute.useSearch();
  const navigate = useNavigate({ from: '/p/$projectId/brands' });
  const canWrite = useCanWrite();
  const brandsQ = useQuery(brandsQuery(projectId));
  const { list } = useBrands(projectId);
  const colors = useMemo(() => new Map(list.map((b) => [b.name, b.color])), [list]);
  const [offer, setOffer] = useState<'saved' | 'deleted' | null>(null);
  const setSearch = (next: BrandsSearch) => void navigate({ search: next });

  if (brandsQ.isPending) return <Loading label="Loading brands…" />;
  if (brandsQ.error) return <ErrorState error={brandsQ.error} onRetry={() => void brandsQ.refetch()} />;
  const brands = brandsQ.data.data;
  const creating = canWrite && search.brand === 'new';
  const selected = creating
    ? undefined
    : (brands.find((b) => b.id === search.brand) ?? brands.find((b) => b.kind === 'own') ?? brands[0]);
  const backfill = search.backfill;

  return (
    <div className="brands-layout">
      <BrandList
        projectId={projectId}
        brands={brands}
        selected={creating ? undefined : selected?.id}
        colors={colors}
        canWrite={canWrite}
      />
      <div className="brands-main">
        {!canWrite && (
          <p className="notice notice-info" data-testid="read-only-note">
            Read-only: you signed in with a read key, which can view the brands and test text but not change
            them. Sign in with an admin key to edit.
          </p>
        )}
        {backfill ? (
          <BackfillStatus
            backfillId={backfill}
            onDismiss={() => setSearch({ ...search, backfill: undefined })}
          />
        ) : (
          offer &&
          canWrite && (
            <BackfillOffer
              projectId={projectId}
              change={offer}
              onStarted={(id) => {
                setOffer(null);
                setSearch({ ...search, backfill: id });
              }}
              onDismiss={() => setOffer(null)}
            />
          )
        )}
        {canWrite && (creating || selected) ? (
          <BrandEditor
            key={creating ? `new-${search.kind ?? 'competitor'}` : `${selected!.id}-${selected!.updatedAt}`}
            projectId={projectId}
            brand={creating ? null : selected!}
            newKind={search.kind ?? 'competitor'}
            brands={brands}
            colors={colors}
            onSaved={(saved, backfillId) => {
              // The save queued the history recompute itself: follow that one (a second request could start
              // another once it runs). Offer one only when the server queued none.
              if (backfillId) {
                setOffer(null);
                setSearch({ brand: saved.id, backfill: backfillId });
              } else {
                setOffer('saved');
                setSearch({ brand: saved.id });
              }
            }}
            onDeleted={() => {
              setOffer('deleted');
              setSearch({});
            }}
          />
        ) : (
          <>
            {selected ? (
              <section className="panel" aria-labelledby="brand-title">
                <div className="panel-head">
                  <h2 id="brand-title">{selected.name}</h2>
                </div>
                <BrandDetails brand={selected} />
              </section>
            ) : (
              <EmptyState title="No brands yet">
                <p>
                  {canWrite
                    ? 'Add your own brand and the competitors you want to compare it with.'
                    : 'An admin has not added any brands to this project yet.'}
                </p>
              </EmptyState>
            )}
            {brands.length > 0 && (
              <ExplainBox
                projectId={projectId}
                drafts={undefined}
                colorOf={(n) => colors.get(n) ?? '#64748b'}
              />
            )}
          </>
        )}
      </div>
    </div>
  );
}
