// A modal that asks before something destructive: what is lost (children), the safe choice focused, the
// destructive button disabled until `ready` (e.g. the project's name typed), the server's refusal shown.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { describeError } from '../api/errors';

interface Props {
  open: boolean;
  title: string;
  confirmLabel: string;
  /** The destructive button's text while `busy` (default: Working…). */
  busyLabel?: string;
  busy: boolean;
  error: unknown;
  /** false: the destructive button is disabled (nothing typed yet, or refused outright). */
  ready?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  testId?: string;
  children: ReactNode;
}

export function ConfirmDialog(p: Props) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (p.open && !dialog.current?.open) {
      dialog.current?.showModal();
      // The safe choice has the focus, not the destructive one.
      cancel.current?.focus();
    }
    if (!p.open && dialog.current?.open) dialog.current.close();
  }, [p.open]);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onClose={p.onClose}
      data-testid={p.testId}
    >
      <h2 id={`${id}-title`}>{p.title}</h2>
      <div id={`${id}-body`}>{p.children}</div>
      {Boolean(p.error) && (
        <p className="field-error" role="alert">
          {describeError(p.error).detail}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-danger-solid"
          disabled={p.busy || p.ready === false}
          onClick={p.onConfirm}
        >
          {p.busy ? (p.busyLabel ?? 'Working…') : p.confirmLabel}
        </button>
        <button ref={cancel} type="button" className="btn" onClick={p.onClose}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
