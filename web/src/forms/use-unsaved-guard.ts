// Leaving a form with unsaved changes (another item, another screen, closing the tab) asks first. Used by the
// brand, prompt, engine, alert rule, webhook and project settings forms.
import { useBlocker } from '@tanstack/react-router';
import { useRef } from 'react';

export interface GuardOptions {
  /**
   * Which editor a URL's search params show; a navigation that keeps it (and the path) is not leaving. By
   * default only the path counts.
   */
  editorOf?: (search: unknown) => string;
  message: string;
}

const samePage = (): string => '';

/** Returns `allowLeave`: call it just before a navigation that is the point (after a save or a delete). */
export function useUnsavedGuard(dirty: boolean, options: GuardOptions): () => void {
  const editorOf = options.editorOf ?? samePage;
  const { message } = options;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const leaving = useRef(false);
  useBlocker({
    shouldBlockFn: ({ current, next }) => {
      if (!dirtyRef.current || leaving.current) return false;
      // A change of the URL that keeps the editor (a panel beside it, a filter) is not leaving it.
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
