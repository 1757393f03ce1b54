// Leaving a form with unsaved changes (another item, another screen, closing the tab) asks first. Used by the
// brand editor and by the alert rule and webhook forms.
import { useBlocker } from '@tanstack/react-router';
import { useRef } from 'react';

/** What the brand editor shows: another value remounts it with a fresh draft. */
const brandEditorOf = (search: unknown): string => {
  const s = search as { brand?: unknown; kind?: unknown };
  return `${String(s.brand)}/${String(s.kind)}`;
};

export interface GuardOptions {
  /** Which editor a URL's search params show; a navigation that keeps it is not leaving. */
  editorOf?: (search: unknown) => string;
  message?: string;
}

/** Returns `allowLeave`: call it just before a navigation that is the point (after a save or a delete). */
export function useUnsavedGuard(dirty: boolean, options: GuardOptions = {}): () => void {
  const editorOf = options.editorOf ?? brandEditorOf;
  const message = options.message ?? 'Discard your unsaved changes to this brand?';
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const leaving = useRef(false);
  useBlocker({
    shouldBlockFn: ({ current, next }) => {
      if (!dirtyRef.current || leaving.current) return false;
      // The backfill shown beside the editor changes the URL too: only leaving the brand counts.
      if (current.pathname === next.pathname && editorOf(current.search) === editorOf(next.search)) {
        return false;
      }
      return !window.confirm(message);
    },
    enableBeforeUnload: () => dirtyRef.current && !leaving.current,
  });
  return () => {
    leaving.current = true;
  };
}
