// One endpoint's delivery log (newest first): event, status, attempts, last response, time; polled while a
// delivery is pending. "Send test event" (admin) sends a signed webhook.test through the same delivery path.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { webhooksControllerDeliveries, webhooksControllerSendTest } from '../../api/client';
import { describeError } from '../../api/errors';
import { DataTable, EmptyState, ErrorState, formatDateTime, Loading, type Column } from '../../ui';
import type { Delivery, Webhook } from './webhook-draft';

const STATUS_LABEL: Record<Delivery['status'], string> = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Failed',
};

const columns: Array<Column<Delivery>> = [
  { key: 'at', header: 'Created', cell: (d) => formatDateTime(d.createdAt), csv: (d) => d.createdAt },
  {
    key: 'event',
    header: 'Event',
    cell: (d) => (
      <>
        <code>{d.event}</code>
        {d.test && <span className="badge">Test</span>}
      </>
    ),
    csv: (d) => d.event,
  },
  {
    key: 'status',
    header: 'Status',
    cell: (d) => <span data-status={d.status}>{STATUS_LABEL[d.status]}</span>,
    csv: (d) => d.status,
  },
  { key: 'attempts', header: 'Attempts', cell: (d) => d.attempts, csv: (d) => String(d.attempts) },
  {
    key: 'response',
    header: 'Response',
    cell: (d) => (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '–')),
    csv: (d) => (d.lastStatusCode !== null ? String(d.lastStatusCode) : (d.lastError ?? '')),
  },
  {
    key: 'done',
    header: 'Delivered / next attempt',
    cell: (d) =>
      d.deliveredAt
        ? formatDateTime(d.deliveredAt)
        : d.nextAttemptAt
          ? `next ${formatDateTime(d.nextAttemptAt)}`
          : '–',
    csv: (d) => d.deliveredAt ?? d.nextAttemptAt ?? '',
  },
];

export function DeliveryLog({ webhook, canWrite }: { webhook: Webhook; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const key = ['webhooks', webhook.id, 'deliveries'];
  const log = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) =>
      (
        await webhooksControllerDeliveries({
          path: { id: webhook.id },
          query: { limit: 50 },
          signal,
          throwOnError: true,
        })
      ).data,
    refetchInterval: (q) => (q.state.data?.data.some((d) => d.status === 'pending') ? 1000 : false),
  });
  const test = useMutation({
    mutationFn: async () =>
      (await webhooksControllerSendTest({ path: { id: webhook.id }, throwOnError: true })).data,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const rows = log.data?.data ?? [];
  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <div className="panel-head">
        <div>
          <h2 id="deliveries-title">Delivery log</h2>
          <p className="muted">
            Each event sent to this endpoint, newest first; failed attempts are retried.
          </p>
        </div>
        {canWrite && (
          <button
            type="button"
            className="btn"
            disabled={test.isPending || !webhook.active}
            title={webhook.active ? undefined : 'Activate the endpoint to send a test event'}
            onClick={() => test.mutate()}
          >
            {test.isPending ? 'Sending…' : 'Send test event'}
          </button>
        )}
      </div>
      {test.error && (
        <p className="notice notice-error" role="alert">
          {describeError(test.error).detail}
        </p>
      )}
      {log.isPending ? (
        <Loading label="Loading deliveries…" />
      ) : log.error ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No deliveries yet">
          <p>Send a test event to check that the endpoint receives and accepts them.</p>
        </EmptyState>
      ) : (
        <DataTable
          caption={`Deliveries to ${webhook.url}`}
          captionHidden
          columns={columns}
          rows={rows}
          rowKey={(d) => d.id}
          csvFilename={`webhook-deliveries-${webhook.id}.csv`}
          testId="deliveries"
        />
      )}
    </section>
  );
}
