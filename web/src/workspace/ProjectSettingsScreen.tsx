// /p/$projectId/settings: the project's name and scoring settings (fold, half-life) with what a change
// recomputes; an admin edits them (the API validates; its errors show next to the fields, the text stays) and
// can delete the project; a read key reads them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { projectsControllerUpdate } from '../api/client';
import { projectQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { FormErrorList } from '../forms/FormErrorList';
import { useFocusFirstError } from '../forms/use-focus-first-error';
import { useUnsavedGuard } from '../forms/use-unsaved-guard';
import { settingsRoute } from '../router';
import { ErrorState, formatMs, formatN, Loading } from '../ui';
import { DeleteProject } from './DeleteProject';
import type { Project } from './queries';
import { draftOfProject, settingsBody, SETTINGS_FIELDS, type SettingsDraft } from './settings-draft';
import { SettingsNote } from './SettingsNote';
import '../brands/brands.css';
import './workspace.css';

const FOLD_HELP =
  "A brand's first mention is above the fold when it starts within this many answer tokens (1 to 100,000).";
const HALF_LIFE_HELP =
  'Reader attention halves every this many milliseconds after the first token; it weights the Stream ' +
  'Visibility Score (100 to 3,600,000).';

function SettingsForm({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const saved = useMemo(() => draftOfProject(project), [project]);
  const [draft, setDraft] = useState<SettingsDraft>(saved);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [done, setDone] = useState(false);
  // Bumped on each failed save: once the errors are rendered, focus moves to the first field in error.
  const [errorSerial, setErrorSerial] = useState(0);
  const formRef = useFocusFirstError(errorSerial);
  const body = settingsBody(draft, saved);
  const dirty = Object.keys(body).length > 0;
  useUnsavedGuard(dirty, { message: 'Discard your unsaved changes to the project settings?' });
  const save = useMutation({
    mutationFn: async () =>
      (await projectsControllerUpdate({ path: { id: project.id }, body, throwOnError: true })).data,
    onSuccess: async (p) => {
      setErrors(NO_ERRORS);
      setDone(true);
      setDraft(draftOfProject(p));
      queryClient.setQueryData(projectQuery(project.id).queryKey, p);
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
    },
    onError: (error) => {
      setDone(false);
      setErrors(formErrorsOf(error, (k) => (SETTINGS_FIELDS as readonly string[]).includes(k)));
      setErrorSerial((n) => n + 1);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate();
  };
  const f = errors.fields;
  const field = (key: keyof SettingsDraft, label: string, help: string, unit?: string) => (
    <div className="form-field">
      <label htmlFor={`settings-${key}`}>{label}</label>
      <div className="ws-unit">
        <input
          id={`settings-${key}`}
          type="text"
          inputMode={key === 'name' ? undefined : 'numeric'}
          value={draft[key]}
          onChange={(e) => {
            setDone(false);
            setDraft({ ...draft, [key]: e.target.value });
          }}
          {...invalidProps(f, key, `settings-${key}-help`)}
        />
        {unit && <span className="muted">{unit}</span>}
      </div>
      <p id={`settings-${key}-help`} className="rule-help">
        {help}
      </p>
      <FieldMessages errors={f} field={key} />
    </div>
  );
  return (
    <form ref={formRef} className="ws-form" onSubmit={submit} noValidate aria-label="Project settings">
      <FormErrorList errors={errors} />
      {done && (
        <p className="notice notice-info" role="status" data-testid="settings-saved">
          Saved. New runs use these settings; stored runs keep theirs.
        </p>
      )}
      {field('name', 'Name', 'Unique in the workspace.')}
      <div className="form-row">
        {field('foldTokens', 'Fold', FOLD_HELP, 'tokens')}
        {field('halfLifeMs', 'Attention half-life', HALF_LIFE_HELP, 'ms')}
      </div>
      <SettingsNote />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!dirty || save.isPending}
          onClick={() => {
            setDraft(saved);
            setErrors(NO_ERRORS);
          }}
        >
          Discard changes
        </button>
      </div>
    </form>
  );
}

function ReadOnlySettings({ project }: { project: Project }) {
  return (
    <>
      <dl className="kv" data-testid="settings-values">
        <div>
          <dt>Fold</dt>
          <dd>{formatN(project.foldTokens)} tokens</dd>
        </div>
        <div>
          <dt>Attention half-life</dt>
          <dd>{formatMs(project.halfLifeMs)}</dd>
        </div>
      </dl>
      <p className="rule-help">{FOLD_HELP}</p>
      <p className="rule-help">{HALF_LIFE_HELP}</p>
      <SettingsNote />
    </>
  );
}

export function ProjectSettingsScreen() {
  const { projectId } = settingsRoute.useParams();
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const project = useQuery(projectQuery(projectId));
  if (project.isPending) return <Loading label="Loading settings…" />;
  if (project.error) return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;
  const p = project.data;
  return (
    <div className="ws-settings">
      {!canWrite && (
        <p className="notice notice-info" data-testid="read-only-note">
          Read-only: you signed in with a read key, which can view the settings but not change them.
        </p>
      )}
      <section className="panel" aria-labelledby="settings-title">
        <div className="panel-head">
          <div>
            <h2 id="settings-title">Settings</h2>
            <p className="muted">How this project scores answers.</p>
          </div>
        </div>
        {canWrite ? <SettingsForm key={p.id} project={p} /> : <ReadOnlySettings project={p} />}
      </section>
      {canWrite && (
        <section className="panel" aria-labelledby="danger-title">
          <div className="panel-head">
            <div>
              <h2 id="danger-title">Delete this project</h2>
              <p className="muted">Its brands, prompts, alert rules and export links go with it.</p>
            </div>
            <DeleteProject project={p} onDeleted={() => void navigate({ to: '/workspace' })} />
          </div>
        </section>
      )}
    </div>
  );
}
