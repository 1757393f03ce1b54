// Creating a project: its name as typed (the API trims and validates it; a 400 or a taken name shows next to
// the field and the text stays), then the new project opens. Fold and half-life start at the API's defaults
// and are changed on the project's Settings tab.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { projectsControllerCreate } from '../api/client';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../forms/field-errors';
import { FieldMessages, invalidProps } from '../forms/FieldMessages';
import { FormErrorList } from '../forms/FormErrorList';

export function CreateProjectForm({ autoFocus = false }: { autoFocus?: boolean }) {
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const create = useMutation({
    mutationFn: async () => (await projectsControllerCreate({ body: { name }, throwOnError: true })).data,
    onSuccess: async (project) => {
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      void navigate({ to: '/p/$projectId/overview', params: { projectId: project.id } });
    },
    onError: (error) => {
      setErrors(formErrorsOf(error, (k) => k === 'name'));
      document.getElementById(`${id}-name`)?.focus();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="ws-form" onSubmit={submit} noValidate aria-label="Create project">
      <FormErrorList errors={errors} />
      <div className="form-row ws-inline">
        <div className="form-field">
          <label htmlFor={`${id}-name`}>Project name</label>
          <input
            id={`${id}-name`}
            type="text"
            autoFocus={autoFocus}
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps(errors.fields, 'name', `${id}-help`)}
          />
          <p id={`${id}-help`} className="rule-help">
            What you track, e.g. &ldquo;CRM tools&rdquo;. Unique in the workspace.
          </p>
          <FieldMessages errors={errors.fields} field="name" />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </div>
    </form>
  );
}
