// A destructive action behind a confirmation dialog that says what is lost. The safe choice (Cancel) has the
// focus; the action's error stays in the dialog.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../../api/errors';

interface Props {
  /** The button that opens the dialog. */
  label: string;
  title: string;
  /** What is lost, in sentences. */
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  /** Closes the dialog from outside (after success). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  testId?: string;
  small?: boolean;
}

export function ConfirmAction(p: Props) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [ownOpen, setOwnOpen] = useState(false);
  const open = p.open ?? ownOpen;
  const setOpen = (v: boolean) => {
    setOwnOpen(v);
    p.onOpenChange?.(v);
  };
  useEffect(() => {
    if (open && !dialog.current?.open) {
      dialog.current?.showModal();
      cancel.current?.focus();
    }
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);

  return (
    <>
      <button
        type="button"
        className={`btn btn-danger${p.small ? ' btn-small' : ''}`}
        onClick={() => setOpen(true)}
      >
        {p.label}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => setOpen(false)}
        data-testid={p.testId}
      >
        <h2 id={`${id}-title`}>{p.title}</h2>
        <div id={`${id}-body`}>{p.children}</div>
        {p.error !== null && p.error !== undefined && (
          <p className="field-error" role="alert">
            {describeError(p.error).detail}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="btn btn-danger-solid" disabled={p.busy} onClick={p.onConfirm}>
            {p.busy ? 'Working…' : p.confirmLabel}
          </button>
          <button ref={cancel} type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
