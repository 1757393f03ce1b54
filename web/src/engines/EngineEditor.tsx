// Creating or editing one engine: the draft as typed, saved through the API (whose 400 issues show next to
// their fields, the draft kept), a connection test of the draft as it stands (saved or not), and delete.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  engineConnectionTestControllerTest,
  engineConnectionTestControllerTestDraft,
  enginesControllerCreate,
  enginesControllerUpdate,
} from '../api/client';
import { formErrorsOf, type FormErrors, NO_ERRORS } from '../forms/field-errors';
import { useUnsavedGuard } from '../forms/use-unsaved-guard';
import { DeleteEngine } from './DeleteEngine';
import { DisabledBanner } from './DisabledBanner';
import {
  createBodyOf,
  draftOf,
  isFormKey,
  updateBodyOf,
  type Engine,
  type EngineDraft,
  type EngineTestResult,
} from './engine-draft';
import { EngineForm } from './EngineForm';
import { TestResult } from './TestResult';

const editorKey = (search: unknown): string => String((search as { engine?: unknown }).engine);

interface Props {
  /** null: a new engine */
  engine: Engine | null;
  onSaved: (engine: Engine) => void;
  onDeleted: () => void;
}

export function EngineEditor({ engine, onSaved, onDeleted }: Props) {
  const queryClient = useQueryClient();
  const initial = useMemo(() => draftOf(engine), [engine]);
  const [draft, setDraft] = useState<EngineDraft>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [errorSerial, setErrorSerial] = useState(0);
  const [result, setResult] = useState<EngineTestResult | null>(null);
  const bodyOf = (d: EngineDraft) => (engine ? updateBodyOf(d, engine) : createBodyOf(d));
  const dirty =
    JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(initial)) ||
    (!engine && draft.provider !== initial.provider);
  const allowLeave = useUnsavedGuard(dirty, {
    message: 'Discard your unsaved changes to this engine?',
    editorOf: editorKey,
  });
  const failed = (error: unknown) => {
    setErrors(formErrorsOf(error, isFormKey));
    setErrorSerial((n) => n + 1);
  };

  const save = useMutation({
    mutationFn: async () =>
      engine
        ? (
            await enginesControllerUpdate({
              path: { id: engine.id },
              body: updateBodyOf(draft, engine),
              throwOnError: true,
            })
          ).data
        : (await enginesControllerCreate({ body: createBodyOf(draft), throwOnError: true })).data,
    onSuccess: async (saved) => {
      setErrors(NO_ERRORS);
      // The saved engine is the new starting point (the key field empties: the key is stored).
      if (engine) setDraft(draftOf(saved));
      else allowLeave();
      await queryClient.invalidateQueries({ queryKey: ['engines'] });
      onSaved(saved);
    },
    onError: failed,
  });

  // The test sends the draft as it stands: a new engine's whole configuration, or a saved one's changes
  // (an empty key field tests with the stored key). Nothing is saved.
  const test = useMutation({
    mutationFn: async () => {
      setResult(null);
      if (engine) {
        const body = updateBodyOf(draft, engine);
        return (
          await engineConnectionTestControllerTest({ path: { id: engine.id }, body, throwOnError: true })
        ).data;
      }
      const { name, ...rest } = createBodyOf(draft);
      const body = name === '' ? rest : { name, ...rest };
      return (await engineConnectionTestControllerTestDraft({ body, throwOnError: true })).data;
    },
    onSuccess: (r) => {
      setErrors(NO_ERRORS);
      setResult(r);
    },
    onError: failed,
  });

  return (
    <section className="panel" aria-labelledby="engine-editor-title">
      <div className="panel-head">
        <div>
          <h2 id="engine-editor-title">{engine ? `Edit ${engine.name}` : 'New engine'}</h2>
          <p className="muted">
            {engine
              ? 'Changes apply to the next runs; past runs keep what they ran with.'
              : 'An answer engine the prompts can ask: a provider, a model and how to call it.'}
          </p>
        </div>
        {engine && (
          <DeleteEngine
            engine={engine}
            onDeleted={() => {
              allowLeave();
              onDeleted();
            }}
          />
        )}
      </div>
      {engine && <DisabledBanner engine={engine} canWrite />}
      <EngineForm
        draft={draft}
        onChange={setDraft}
        engine={engine}
        errors={errors}
        errorSerial={errorSerial}
        busy={save.isPending}
        dirty={dirty}
        onSubmit={() => save.mutate()}
        onReset={() => {
          setDraft(initial);
          setErrors(NO_ERRORS);
        }}
      >
        <button
          type="button"
          className="btn"
          disabled={test.isPending}
          onClick={() => test.mutate()}
          aria-describedby="test-connection-help"
        >
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
      </EngineForm>
      <p id="test-connection-help" className="rule-help test-help">
        Test connection makes one short real call with the form as it stands (saved or not): a few tokens the
        provider bills, no run stored, nothing saved.
      </p>
      {result && <TestResult result={result} />}
    </section>
  );
}
