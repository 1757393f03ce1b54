// A destructive action behind a confirmation dialog that says what is lost: the button that opens it and the
// dialog (ConfirmDialog: the safe choice, Cancel, has the focus; the action's error stays in the dialog).
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from './ConfirmDialog';

interface Props {
  /** The button that opens the dialog. */
  label: string;
  title: string;
  /** What is lost, in sentences. */
  children: ReactNode;
  confirmLabel: string;
  /** The destructive button's text while `busy` (default: Working…). */
  busyLabel?: string;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  /** Opens or closes the dialog from outside (e.g. closes it after success; a query that runs while open). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  testId?: string;
  small?: boolean;
}

export function ConfirmAction(p: Props) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = p.open ?? ownOpen;
  const setOpen = (v: boolean) => {
    setOwnOpen(v);
    p.onOpenChange?.(v);
  };
  return (
    <>
      <button
        type="button"
        className={`btn btn-danger${p.small ? ' btn-small' : ''}`}
        onClick={() => setOpen(true)}
      >
        {p.label}
      </button>
      <ConfirmDialog
        open={open}
        title={p.title}
        confirmLabel={p.confirmLabel}
        busyLabel={p.busyLabel}
        busy={p.busy}
        error={p.error}
        onConfirm={p.onConfirm}
        onClose={() => setOpen(false)}
        testId={p.testId}
      >
        {p.children}
      </ConfirmDialog>
    </>
  );
}
