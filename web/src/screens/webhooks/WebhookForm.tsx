// Creating or editing a webhook endpoint: URL, events, format (standard signed JSON or Slack), active. The
// server's 400 issues (a private address, a Slack hook with run events) show next to their fields; what was
// typed stays.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { webhooksControllerCreate, webhooksControllerUpdate } from '../../api/client';
import {
  clearChangedFields,
  errorId,
  formErrorsOf,
  type FormErrors,
  NO_ERRORS,
} from '../../forms/field-errors';
import { FieldMessages, invalidProps } from '../../forms/FieldMessages';
import { FormErrorList } from '../../forms/FormErrorList';
import { useFocusFirstError } from '../../forms/use-focus-first-error';
import { useUnsavedGuard } from '../../forms/use-unsaved-guard';
import {
  emptyWebhookDraft,
  EVENTS,
  isWebhookFormKey,
  webhookBodyOf,
  webhookDraftOf,
  type Webhook,
  type WebhookDraft,
} from './webhook-draft';

const editorOf = (search: unknown): string => String((search as { webhook?: unknown }).webhook);

interface Props {
  /** null: a new endpoint */
  webhook: Webhook | null;
  /** The saved endpoint, and its secret when it was just created (shown once). */
  onSaved: (saved: Webhook, secret: string | null) => void;
  onCancel: () => void;
}

export function WebhookForm({ webhook, onSaved, onCancel }: Props) {
  const queryClient = useQueryClient();
  const initial = useMemo(() => (webhook ? webhookDraftOf(webhook) : emptyWebhookDraft()), [webhook]);
  const [draft, setDraftState] = useState<WebhookDraft>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [errorSerial, setErrorSerial] = useState(0);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const allowLeave = useUnsavedGuard(dirty, {
    editorOf,
    message: 'Discard your unsaved changes to this webhook?',
  });
  const setDraft = (next: WebhookDraft) => {
    setErrors((e) => clearChangedFields(e, draft, next));
    setDraftState(next);
  };
  const formRef = useFocusFirstError(errorSerial);

  const save = useMutation({
    mutationFn: async (d: WebhookDraft) => {
      const body = webhookBodyOf(d);
      if (webhook) {
        const saved = (await webhooksControllerUpdate({ path: { id: webhook.id }, body, throwOnError: true }))
          .data;
        return { saved, secret: null };
      }
      const { secret, ...saved } = (await webhooksControllerCreate({ body, throwOnError: true })).data;
      return { saved, secret };
    },
    onSuccess: async ({ saved, secret }) => {
      setErrors(NO_ERRORS);
      allowLeave();
      await queryClient.invalidateQueries({ queryKey: ['webhooks'] });
      onSaved(saved, secret);
    },
    onError: (error) => {
      setErrors(formErrorsOf(error, isWebhookFormKey));
      setErrorSerial((n) => n + 1);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const f = errors.fields;
  return (
    <form ref={formRef} className="brand-form" onSubmit={submit} noValidate aria-label="Webhook">
      <FormErrorList errors={errors} />
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="webhook-url">URL</label>
          <input
            id="webhook-url"
            type="text"
            inputMode="url"
            autoFocus={!webhook}
            placeholder="https://example.com/streamrank"
            value={draft.url}
            onChange={(e) => setDraft({ ...draft, url: e.target.value })}
            {...invalidProps(f, 'url', 'webhook-url-help')}
          />
          <p id="webhook-url-help" className="rule-help">
            A public http(s) address; events are POSTed to it, signed with the endpoint’s secret.
          </p>
          <FieldMessages errors={f} field="url" />
        </div>
        <div className="form-field">
          <label htmlFor="webhook-format">Format</label>
          <select
            id="webhook-format"
            value={draft.format}
            onChange={(e) => setDraft({ ...draft, format: e.target.value as WebhookDraft['format'] })}
            {...invalidProps(f, 'format', 'webhook-format-help')}
          >
            <option value="standard">Standard (signed JSON)</option>
            <option value="slack">Slack incoming webhook</option>
          </select>
          <p id="webhook-format-help" className="rule-help">
            Slack receives alert.triggered only, as a readable message.
          </p>
          <FieldMessages errors={f} field="format" />
        </div>
      </div>
      <fieldset
        className="list-field"
        data-field="events"
        aria-describedby={f.get('events')?.length ? errorId('events') : undefined}
      >
        <legend>Events</legend>
        <div className="event-choices">
          {EVENTS.map((ev) => (
            <label key={ev.value}>
              <input
                type="checkbox"
                checked={draft.events.includes(ev.value)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    events: e.target.checked
                      ? [...draft.events, ev.value]
                      : draft.events.filter((x) => x !== ev.value),
                  })
                }
              />
              {ev.label} <code>{ev.value}</code>
            </label>
          ))}
        </div>
        <FieldMessages errors={f} field="events" />
      </fieldset>
      <div className="form-check">
        <input
          id="webhook-active"
          type="checkbox"
          checked={draft.active}
          onChange={(e) => setDraft({ ...draft, active: e.target.checked })}
          {...invalidProps(f, 'active')}
        />
        <div>
          <label htmlFor="webhook-active">Active</label>
          <p className="rule-help">
            An inactive endpoint receives nothing (its pending deliveries are dropped).
          </p>
          <FieldMessages errors={f} field="active" />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : webhook ? 'Save webhook' : 'Create webhook'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={save.isPending}
          onClick={() => {
            if (dirty && !window.confirm('Discard your unsaved changes to this webhook?')) return;
            allowLeave();
            onCancel();
          }}
        >
          {dirty ? 'Discard changes' : 'Close'}
        </button>
      </div>
    </form>
  );
}
