// Creating or editing one alert rule: the draft as typed, its 30-day preview beside it (debounced), saved
// through the API (whose 400 issues show next to their fields, the draft kept), and delete with confirmation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  alertRulesControllerCreate,
  alertRulesControllerDelete,
  alertRulesControllerUpdate,
} from '../../api/client';
import type { Brand } from '../../brands/brand-draft';
import { clearChangedFields, formErrorsOf, type FormErrors, NO_ERRORS } from '../../forms/field-errors';
import { useUnsavedGuard } from '../../forms/use-unsaved-guard';
import { ConfirmAction } from '../../ui';
import { AlertPreviewPanel } from './AlertPreviewPanel';
import { AlertRuleForm } from './AlertRuleForm';
import {
  emptyRuleDraft,
  isRuleFormKey,
  paramsOf,
  ruleBodyOf,
  ruleDraftOf,
  type AlertRule,
  type RuleDraft,
} from './rule-draft';

const editorOf = (search: unknown): string => String((search as { rule?: unknown }).rule);

interface Props {
  projectId: string;
  /** null: a new rule */
  rule: AlertRule | null;
  brands: Brand[];
  onClose: () => void;
}

export function AlertRuleEditor({ projectId, rule, brands, onClose }: Props) {
  const queryClient = useQueryClient();
  const initial = useMemo(() => (rule ? ruleDraftOf(rule) : emptyRuleDraft()), [rule]);
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [errorSerial, setErrorSerial] = useState(0);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const allowLeave = useUnsavedGuard(dirty, {
    editorOf,
    message: 'Discard your unsaved changes to this alert rule?',
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['alert-rules', projectId] });

  const save = useMutation({
    mutationFn: async (d: RuleDraft) =>
      rule
        ? (
            await alertRulesControllerUpdate({
              path: { id: rule.id },
              body: { name: d.name, enabled: d.enabled, params: paramsOf(d) },
              throwOnError: true,
            })
          ).data
        : (await alertRulesControllerCreate({ path: { projectId }, body: ruleBodyOf(d), throwOnError: true }))
            .data,
    onSuccess: async () => {
      setErrors(NO_ERRORS);
      allowLeave();
      await refresh();
      onClose();
    },
    onError: (error) => {
      setErrors(formErrorsOf(error, isRuleFormKey));
      setErrorSerial((n) => n + 1);
    },
  });
  const del = useMutation({
    mutationFn: async (id: string) => {
      await alertRulesControllerDelete({ path: { id }, throwOnError: true });
    },
    onSuccess: async () => {
      allowLeave();
      await refresh();
      onClose();
    },
  });
  // The preview needs a name to pass the schema; the name changes nothing in it.
  const previewBody = ruleBodyOf({ ...draft, name: draft.name.trim() || 'Preview' });

  return (
    <div className="rule-editor">
      <section className="panel" aria-labelledby="rule-editor-title">
        <div className="panel-head">
          <div>
            <h2 id="rule-editor-title">{rule ? `Edit ${rule.name}` : 'New alert rule'}</h2>
            <p className="muted">
              Evaluated each time a run of this project lands; alerts go to the log below and to webhooks.
            </p>
          </div>
          {rule && (
            <ConfirmAction
              label="Delete rule…"
              title={`Delete ${rule.name}?`}
              confirmLabel={`Delete ${rule.name}`}
              busy={del.isPending}
              error={del.error}
              onConfirm={() => del.mutate(rule.id)}
              testId="delete-rule-dialog"
            >
              <p>
                The rule stops firing and its state (firing or not, last value) is lost. Alerts it already
                fired stay in the alert log.
              </p>
              <p>This cannot be undone.</p>
            </ConfirmAction>
          )}
        </div>
        <AlertRuleForm
          draft={draft}
          onChange={(next) => {
            setErrors((e) => clearChangedFields(e, draft, next));
            setDraft(next);
          }}
          kindFixed={rule !== null}
          brands={brands}
          errors={errors}
          errorSerial={errorSerial}
          submitLabel={rule ? 'Save rule' : 'Create rule'}
          busy={save.isPending}
          dirty={dirty}
          onSubmit={() => save.mutate(draft)}
          onCancel={() => {
            if (dirty && !window.confirm('Discard your unsaved changes to this alert rule?')) return;
            allowLeave();
            onClose();
          }}
        />
      </section>
      <AlertPreviewPanel projectId={projectId} body={previewBody} />
    </div>
  );
}
