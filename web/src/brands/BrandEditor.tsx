// Creating or editing one brand: the draft as typed, saved through the API (whose 400 issues show next to
// their fields, the draft kept), the "test this text" box on the draft, and delete.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { brandsControllerCreate, brandsControllerUpdate } from '../api/client';
import { BrandForm } from './BrandForm';
import {
  bodyOf,
  bodyOfBrand,
  draftOf,
  isFormKey,
  emptyDraft,
  type Brand,
  type BrandBody,
  type BrandDraft,
} from './brand-draft';
import { DeleteBrand } from './DeleteBrand';
import { ExplainBox } from './ExplainBox';
import { formErrorsOf, type FormErrors, NO_ERRORS } from '../forms/field-errors';
import { useUnsavedGuard } from '../forms/use-unsaved-guard';

/** What the brand editor shows: another value remounts it with a fresh draft (the backfill beside it changes
 * the URL too: only leaving the brand counts). */
const brandEditorOf = (search: unknown): string => {
  const s = search as { brand?: unknown; kind?: unknown };
  return `${String(s.brand)}/${String(s.kind)}`;
};
const UNSAVED_COLOR = '#64748b';

interface Props {
  projectId: string;
  /** null: a new brand */
  brand: Brand | null;
  newKind: 'own' | 'competitor';
  brands: Brand[];
  colors: ReadonlyMap<string, string>;
  /** The saved brand, and the backfill its change queued (null when none was queued). */
  onSaved: (brand: Brand, backfillId: string | null) => void;
  onDeleted: () => void;
}

export function BrandEditor({ projectId, brand, newKind, brands, colors, onSaved, onDeleted }: Props) {
  const queryClient = useQueryClient();
  const initial = useMemo(() => (brand ? draftOf(brand) : emptyDraft(newKind)), [brand, newKind]);
  const [draft, setDraft] = useState<BrandDraft>(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [errorSerial, setErrorSerial] = useState(0);
  const dirty = JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(initial));
  const allowLeave = useUnsavedGuard(dirty, {
    editorOf: brandEditorOf,
    message: 'Discard your unsaved changes to this brand?',
  });

  const save = useMutation({
    mutationFn: async (body: BrandBody) =>
      brand
        ? (await brandsControllerUpdate({ path: { id: brand.id }, body, throwOnError: true })).data
        : (await brandsControllerCreate({ path: { projectId }, body, throwOnError: true })).data,
    onSuccess: async (saved) => {
      setErrors(NO_ERRORS);
      allowLeave();
      await queryClient.invalidateQueries({ queryKey: ['brands', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      const { backfillId, ...view } = saved;
      onSaved(view, backfillId);
    },
    onError: (error) => {
      setErrors(formErrorsOf(error, isFormKey));
      setErrorSerial((n) => n + 1);
    },
  });

  // The explain box tests the brands as they would be saved: the draft in place of the saved brand.
  const drafts = useMemo((): BrandBody[] | undefined => {
    if (brand ? !dirty : draft.name === '') return undefined;
    const others = brands.filter((b) => b.id !== brand?.id).map(bodyOfBrand);
    return [...others, bodyOf(draft)];
  }, [brand, brands, dirty, draft]);
  const colorOf = (name: string): string => {
    if (drafts && name === draft.name) return (brand && colors.get(brand.name)) ?? UNSAVED_COLOR;
    return colors.get(name) ?? UNSAVED_COLOR;
  };

  return (
    <>
      <section className="panel" aria-labelledby="brand-editor-title">
        <div className="panel-head">
          <div>
            <h2 id="brand-editor-title">
              {brand ? `Edit ${brand.name}` : newKind === 'own' ? 'New own brand' : 'New competitor'}
            </h2>
            <p className="muted">
              {brand
                ? 'Changes apply to new runs at once; recompute history to apply them to past runs.'
                : 'What detection should count as this brand in AI answers.'}
            </p>
          </div>
          {brand && (
            <DeleteBrand
              brand={brand}
              onDeleted={() => {
                allowLeave();
                onDeleted();
              }}
            />
          )}
        </div>
        <BrandForm
          draft={draft}
          onChange={setDraft}
          errors={errors}
          errorSerial={errorSerial}
          submitLabel={brand ? 'Save changes' : 'Create brand'}
          focusName={!brand}
          busy={save.isPending}
          dirty={dirty}
          onSubmit={() => save.mutate(bodyOf(draft))}
          onReset={() => {
            setDraft(initial);
            setErrors(NO_ERRORS);
          }}
        />
      </section>
      <ExplainBox projectId={projectId} drafts={drafts} colorOf={colorOf} />
    </>
  );
}
