// API keys (admin only): create one (its secret shown once, here, and never again: the API stores a hash),
// the list with last use, and revoke with confirmation. The key this session signed in with is marked; the
// workspace's last live admin key cannot be revoked from here (nobody could sign in as admin after).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { apiKeysControllerCreate } from '../api/client';
import { useSession } from '../api/session-store';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { ErrorState, formatDateTime, Loading } from '../ui';
import { FormErrorList } from '../forms/FormErrorList';
import { apiKeysQuery, type ApiKey } from './queries';
import { RevokeKey } from './RevokeKey';

type Role = 'admin' | 'read';
type CreatedKey = ApiKey & { key: string };

function NewKeyForm({ onCreated }: { onCreated: (key: CreatedKey) => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('read');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const create = useMutation({
    mutationFn: async () =>
      (await apiKeysControllerCreate({ body: { name, role }, throwOnError: true })).data,
    onSuccess: async (created) => {
      setErrors(NO_ERRORS);
      setName('');
      onCreated(created);
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (error) => setErrors(formErrorsOf(error, (k) => k === 'name' || k === 'role')),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="ws-form" onSubmit={submit} noValidate aria-label="Create API key">
      <FormErrorList errors={errors} />
      <div className="form-row ws-inline">
        <div className="form-field">
          <label htmlFor={`${id}-name`}>Key name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps(errors.fields, 'name', `${id}-help`)}
          />
          <p id={`${id}-help`} className="rule-help">
            Who or what uses it, e.g. &ldquo;reporting script&rdquo;.
          </p>
          <FieldMessages errors={errors.fields} field="name" />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            {...invalidProps(errors.fields, 'role')}
          >
            <option value="read">Read: reports, runs, usage</option>
            <option value="admin">Admin: everything, including keys</option>
          </select>
          <FieldMessages errors={errors.fields} field="role" />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </div>
    </form>
  );
}

/** The new key's secret: in this component's state only, gone once dismissed or the page is left. */
function ShownOnce({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice notice-info ws-new-key" data-testid="new-key" role="status">
      <p>
        <strong>
          Key &ldquo;{created.name}&rdquo; created ({created.role}).
        </strong>{' '}
        Copy it now: it is shown only this once, and streamrank keeps only a hash of it.
      </p>
      <div className="ws-secret">
        <label className="visually-hidden" htmlFor="new-key-value">
          The new API key
        </label>
        <input
          id="new-key-value"
          type="text"
          readOnly
          value={created.key}
          data-testid="new-key-value"
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            void navigator.clipboard?.writeText(created.key).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function KeyRow({ k, keys, current }: { k: ApiKey; keys: ApiKey[]; current: boolean }) {
  const liveAdmins = keys.filter((x) => x.role === 'admin' && !x.revokedAt).length;
  return (
    <tr data-testid="api-key-row" data-prefix={k.prefix} data-revoked={k.revokedAt ? 'true' : 'false'}>
      <td>
        {k.name}
        {current && <span className="badge ws-badge">This session</span>}
      </td>
      <td>{k.role}</td>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td>{formatDateTime(k.createdAt)}</td>
      <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}</td>
      <td>
        {k.revokedAt ? (
          <span className="muted">Revoked {formatDateTime(k.revokedAt)}</span>
        ) : (
          <RevokeKey apiKey={k} current={current} lastAdmin={k.role === 'admin' && liveAdmins === 1} />
        )}
      </td>
    </tr>
  );
}

export function ApiKeysSection() {
  const session = useSession();
  const keys = useQuery(apiKeysQuery());
  const [created, setCreated] = useState<CreatedKey | null>(null);
  return (
    <section className="panel" aria-labelledby="api-keys-title" data-testid="api-keys">
      <div className="panel-head">
        <div>
          <h2 id="api-keys-title">API keys</h2>
          <p className="muted">
            Keys call the API (<code>Authorization: Bearer &lt;key&gt;</code>) and sign in here. A read key
            can read everything but keys, and cannot write.
          </p>
        </div>
      </div>
      {created && <ShownOnce created={created} onDone={() => setCreated(null)} />}
      <NewKeyForm onCreated={setCreated} />
      {keys.isPending ? (
        <Loading label="Loading keys…" />
      ) : keys.error ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="api-keys-table">
            <caption className="visually-hidden">API keys of the workspace</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((k) => (
                <KeyRow key={k.id} k={k} keys={keys.data.data} current={k.prefix === session?.keyPrefix} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
