// The workspace's webhook endpoints (admin keys only: webhooks send workspace data to other servers): a list,
// create (the signing secret shown once), edit, delete, secret rotation, and each endpoint's delivery log with
// "Send test event". The open endpoint is in the URL (?webhook=<id>|new); the secret never is.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { webhooksControllerList } from '../../api/client';
import { useCanWrite } from '../../api/session-store';
import { webhooksRoute } from '../../router';
import { DataTable, EmptyState, ErrorState, Loading, type Column } from '../../ui';
import { SecretReveal } from './SecretReveal';
import { EVENTS, type Webhook } from './webhook-draft';
import { WebhookDetail } from './WebhookDetail';
import { WebhookForm } from './WebhookForm';
import '../../brands/brands.css';
import '../alerts/alerts.css';

const columns: Array<Column<Webhook>> = [
  {
    key: 'url',
    header: 'URL',
    cell: (w) => (
      <Link to="/webhooks" search={{ webhook: w.id }} className="webhook-url">
        {w.url}
      </Link>
    ),
    csv: (w) => w.url,
  },
  {
    key: 'events',
    header: 'Events',
    cell: (w) => w.events.map((e) => EVENTS.find((x) => x.value === e)?.label ?? e).join(', '),
    csv: (w) => w.events.join(' '),
  },
  {
    key: 'format',
    header: 'Format',
    cell: (w) => (w.format === 'slack' ? 'Slack' : 'Standard'),
    csv: (w) => w.format,
  },
  {
    key: 'active',
    header: 'Active',
    cell: (w) => (w.active ? 'Active' : 'Inactive'),
    csv: (w) => String(w.active),
  },
];

function WebhooksAdmin() {
  const { webhook: open } = webhooksRoute.useSearch();
  const navigate = useNavigate({ from: '/webhooks' });
  const [secret, setSecret] = useState<{ webhookId: string; secret: string } | null>(null);
  const hooks = useQuery({
    queryKey: ['webhooks', 'list'],
    queryFn: async ({ signal }) =>
      (await webhooksControllerList({ query: { limit: 100 }, signal, throwOnError: true })).data,
  });
  const list = hooks.data?.data ?? [];
  const selected = open && open !== 'new' ? list.find((w) => w.id === open) : undefined;
  const close = () => void navigate({ search: {} });

  return (
    <div className="webhooks-layout">
      {secret && secret.webhookId === open && (
        <SecretReveal secret={secret.secret} onDismiss={() => setSecret(null)} />
      )}
      {open === 'new' && (
        <section className="panel" aria-labelledby="webhook-new-title">
          <div className="panel-head">
            <div>
              <h2 id="webhook-new-title">New webhook</h2>
              <p className="muted">Streamrank POSTs the events you choose to this endpoint, signed.</p>
            </div>
          </div>
          <WebhookForm
            webhook={null}
            onSaved={(saved, s) => {
              if (s) setSecret({ webhookId: saved.id, secret: s });
              void navigate({ search: { webhook: saved.id } });
            }}
            onCancel={close}
          />
        </section>
      )}
      {selected && (
        <WebhookDetail
          key={selected.id}
          webhook={selected}
          onClose={close}
          onDeleted={() => {
            setSecret(null);
            close();
          }}
          onSecret={(s) => setSecret({ webhookId: selected.id, secret: s })}
        />
      )}
      <section className="panel" aria-labelledby="webhooks-title">
        <div className="panel-head">
          <div>
            <h2 id="webhooks-title">Endpoints</h2>
            <p className="muted">Run outcomes and alerts, sent to your servers or to Slack.</p>
          </div>
          {open !== 'new' && (
            <Link className="btn btn-primary" to="/webhooks" search={{ webhook: 'new' }}>
              New webhook
            </Link>
          )}
        </div>
        {hooks.isPending ? (
          <Loading label="Loading webhooks…" />
        ) : hooks.error ? (
          <ErrorState error={hooks.error} onRetry={() => void hooks.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No webhooks yet">
            <p>Add an endpoint to receive alerts and run outcomes as they happen.</p>
          </EmptyState>
        ) : (
          <DataTable
            caption="Webhook endpoints"
            captionHidden
            columns={columns}
            rows={list}
            rowKey={(w) => w.id}
            highlight={(w) => w.id === open}
            testId="webhooks"
          />
        )}
      </section>
    </div>
  );
}

export function WebhooksScreen() {
  const canWrite = useCanWrite();
  return (
    <main id="main" className="content" tabIndex={-1}>
      <h1 className="project-name">Webhooks</h1>
      {canWrite ? (
        <WebhooksAdmin />
      ) : (
        <p className="notice notice-info" data-testid="read-only-note">
          Webhooks send workspace data to other servers, so only an admin key sees and manages them. Sign in
          with an admin key to set them up.
        </p>
      )}
    </main>
  );
}
