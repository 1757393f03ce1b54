// Creating or editing one prompt: the draft as typed, saved through the API (whose 400 issues show next to
// their fields, the draft kept); for a saved prompt also run now, pause / resume and delete.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { promptsControllerCreate, promptsControllerUpdate } from '../api/client';
import { formErrorsOf, type FormErrors, NO_ERRORS } from '../forms/field-errors';
import { useUnsavedGuard } from '../forms/use-unsaved-guard';
import type { Engine } from '../runs/api-types';
import {
  bodyOf,
  draftOf,
  editBodyOf,
  emptyDraft,
  isFormKey,
  type Prompt,
  type PromptDraft,
} from './prompt-draft';
import { PromptForm } from './PromptForm';

interface Props {
  projectId: string;
  /** null: a new prompt */
  prompt: Prompt | null;
  engines: Engine[];
  onSaved: (prompt: Prompt, created: boolean) => void;
}

export function PromptEditor({ projectId, prompt, engines, onSaved }: Props) {
  const queryClient = useQueryClient();
  // What the draft is compared with: the prompt as last saved from this editor.
  const [base, setBase] = useState<PromptDraft>(() => (prompt ? draftOf(prompt) : emptyDraft([])));
  const [draft, setDraft] = useState<PromptDraft>(base);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [errorSerial, setErrorSerial] = useState(0);
  const body = (d: PromptDraft) => JSON.stringify(prompt ? editBodyOf(d) : bodyOf(d));
  const dirty = body(draft) !== body(base);
  const allowLeave = useUnsavedGuard(dirty, { message: 'Discard your unsaved changes to this prompt?' });

  const save = useMutation({
    mutationFn: async (d: PromptDraft) =>
      prompt
        ? (
            await promptsControllerUpdate({
              path: { id: prompt.id },
              body: editBodyOf(d),
              throwOnError: true,
            })
          ).data
        : (await promptsControllerCreate({ path: { projectId }, body: bodyOf(d), throwOnError: true })).data,
    onSuccess: async (saved) => {
      setErrors(NO_ERRORS);
      const next = draftOf(saved);
      setBase(next);
      setDraft(next);
      queryClient.setQueryData(['prompt', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['prompts', projectId] });
      if (!prompt) allowLeave();
      onSaved(saved, !prompt);
    },
    onError: (error) => {
      setErrors(formErrorsOf(error, isFormKey));
      setErrorSerial((n) => n + 1);
    },
  });

  return (
    <PromptForm
      draft={draft}
      engines={engines}
      onChange={setDraft}
      errors={errors}
      errorSerial={errorSerial}
      submitLabel={prompt ? 'Save changes' : 'Create prompt'}
      isNew={!prompt}
      busy={save.isPending}
      dirty={dirty}
      onSubmit={() => save.mutate(draft)}
      onReset={() => {
        setDraft(base);
        setErrors(NO_ERRORS);
      }}
    />
  );
}
