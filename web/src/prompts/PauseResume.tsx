// Pause and resume apply at once (PATCH active), apart from the form's unsaved edits. Resuming starts from
// the next firing: slots missed while paused are not run.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { promptsControllerUpdate } from '../api/client';
import { describeError } from '../api/errors';
import type { Prompt } from './prompt-draft';

export function PauseResume({ prompt }: { prompt: Prompt }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: async (active: boolean) =>
      (await promptsControllerUpdate({ path: { id: prompt.id }, body: { active }, throwOnError: true })).data,
    onSuccess: async (saved) => {
      queryClient.setQueryData(['prompt', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['prompts', saved.projectId] });
    },
  });
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={toggle.isPending}
        onClick={() => toggle.mutate(!prompt.active)}
      >
        {prompt.active ? 'Pause schedule' : 'Resume schedule'}
      </button>
      {toggle.error && (
        <span className="field-error" role="alert">
          {describeError(toggle.error).detail}
        </span>
      )}
    </>
  );
}
