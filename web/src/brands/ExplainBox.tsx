// "Test this text": the project's own matcher (POST /v1/projects/{projectId}/brands/explain) on pasted text,
// with the unsaved edit as a draft when there is one. Nothing is matched in the browser.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { brandsControllerExplain } from '../api/client';
import type { BrandsControllerExplainResponse as Explanation } from '../../../clients/typescript/types.gen';
import { describeError, problemOf } from '../api/errors';
import type { BrandBody } from './brand-draft';
import { ExplainResult } from './ExplainResult';

export interface ExplainBoxProps {
  projectId: string;
  /** Every brand as the test should see it (the unsaved edit included); undefined: the saved brands. */
  drafts: BrandBody[] | undefined;
  colorOf: (brandName: string) => string;
}

export function ExplainBox({ projectId, drafts, colorOf }: ExplainBoxProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [tested, setTested] = useState<{ text: string; result: Explanation; draft: boolean } | null>(null);
  const explain = useMutation({
    mutationFn: async (input: { text: string; brands: BrandBody[] | undefined }) =>
      (
        await brandsControllerExplain({
          path: { projectId },
          body: input.brands ? { text: input.text, brands: input.brands } : { text: input.text },
          throwOnError: true,
        })
      ).data,
    onSuccess: (result, input) => setTested({ text: input.text, result, draft: input.brands !== undefined }),
  });

  return (
    <section className="panel explain" aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <div>
          <h2 id={`${id}-title`}>Test this text</h2>
          <p className="muted">
            Paste an answer: the pipeline&apos;s own matcher shows what would count
            {drafts ? ', with your unsaved changes' : ''}.
          </p>
        </div>
      </div>
      <form
        className="explain-form"
        onSubmit={(e) => {
          e.preventDefault();
          explain.mutate({ text, brands: drafts });
        }}
      >
        <label htmlFor={`${id}-text`} className="visually-hidden">
          Text to test
        </label>
        <textarea
          id={`${id}-text`}
          data-testid="explain-text"
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. Acme and Globex both offer a free tier, unlike apple pie."
          aria-describedby={explain.error ? `${id}-error` : undefined}
        />
        <div className="form-actions">
          <button type="submit" className="btn" disabled={explain.isPending || text === ''}>
            {explain.isPending ? 'Testing…' : 'Test'}
          </button>
        </div>
      </form>
      {explain.error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {explainErrorText(explain.error)}
        </p>
      )}
      {tested && !explain.error && (
        <ExplainResult text={tested.text} result={tested.result} colorOf={colorOf} />
      )}
    </section>
  );
}

function explainErrorText(error: unknown): string {
  const p = problemOf(error);
  if (p.status === 400 && Array.isArray(p.details)) {
    return `The test could not run: ${p.message.replace(/^Invalid body: /, '')}. Fix the brand first.`;
  }
  return describeError(error).detail;
}
