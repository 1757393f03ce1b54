// One endpoint: its form (edit), delete and secret rotation behind confirmations, and its delivery log.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { webhooksControllerDelete, webhooksControllerRotateSecret } from '../../api/client';
import { ConfirmAction } from '../../ui';
import { DeliveryLog } from './DeliveryLog';
import type { Webhook } from './webhook-draft';
import { WebhookForm } from './WebhookForm';

interface Props {
  webhook: Webhook;
  onClose: () => void;
  onDeleted: () => void;
  onSecret: (secret: string) => void;
}

export function WebhookDetail({ webhook, onClose, onDeleted, onSecret }: Props) {
  const queryClient = useQueryClient();
  const [rotateOpen, setRotateOpen] = useState(false);
  const del = useMutation({
    mutationFn: async () => {
      await webhooksControllerDelete({ path: { id: webhook.id }, throwOnError: true });
    },
    onSuccess: async () => {
      // The list only: the delivery log on screen must not ask for the deleted endpoint's deliveries (404).
      await queryClient.invalidateQueries({ queryKey: ['webhooks', 'list'] });
      onDeleted();
    },
  });
  const rotate = useMutation({
    mutationFn: async () =>
      (await webhooksControllerRotateSecret({ path: { id: webhook.id }, throwOnError: true })).data,
    onSuccess: (rotated) => {
      setRotateOpen(false);
      onSecret(rotated.secret);
    },
  });
  return (
    <>
      <section className="panel" aria-labelledby="webhook-editor-title">
        <div className="panel-head">
          <div>
            <h2 id="webhook-editor-title">Edit webhook</h2>
            <p className="muted webhook-url">{webhook.url}</p>
          </div>
          <div className="form-actions">
            <ConfirmAction
              label="Rotate secret…"
              title="Rotate the signing secret?"
              confirmLabel="Rotate secret"
              busy={rotate.isPending}
              error={rotate.error}
              onConfirm={() => rotate.mutate()}
              open={rotateOpen}
              onOpenChange={setRotateOpen}
              testId="rotate-dialog"
            >
              <p>
                A new secret signs every request from now on; the current one stops working at once, so your
                receiver rejects requests until it has the new one.
              </p>
            </ConfirmAction>
            <ConfirmAction
              label="Delete webhook…"
              title="Delete this webhook?"
              confirmLabel="Delete webhook"
              busy={del.isPending}
              error={del.error}
              onConfirm={() => del.mutate()}
              testId="delete-webhook-dialog"
            >
              <p>
                {webhook.url} stops receiving events at once; pending deliveries are dropped and the delivery
                log is deleted with it. The receiver is not told.
              </p>
              <p>This cannot be undone.</p>
            </ConfirmAction>
          </div>
        </div>
        <WebhookForm key={webhook.updatedAt} webhook={webhook} onSaved={() => undefined} onCancel={onClose} />
      </section>
      <DeliveryLog webhook={webhook} canWrite />
    </>
  );
}
