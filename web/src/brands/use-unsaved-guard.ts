// Leaving a brand with unsaved changes (another brand, another screen, closing the tab) asks first.
import { useBlocker } from '@tanstack/react-router';
import { useRef } from 'react';

/** What the editor shows: another value remounts it with a fresh draft. */
const editorOf = (search: unknown): string => {
  const s = search as { brand?: unknown; kind?: unknown };
  return `${String(s.brand)}/${String(s.kind)}`;
};

/**
 * Returns `allowLeave`: call it just before a navigation that is the point (after a save or a delete).
 * Another editor (the Engines screen) says what it edits and which search params name it.
 */
export function useUnsavedGuard(
  dirty: boolean,
  {
    what = 'this brand',
    editorKey = editorOf,
  }: { what?: string; editorKey?: (search: unknown) => string } = {},
): () => void {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const leaving = useRef(false);
  useBlocker({
    shouldBlockFn: ({ current, next }) => {
      if (!dirtyRef.current || leaving.current) return false;
      // The backfill shown beside the editor changes the URL too: only leaving the brand counts.
      if (current.pathname === next.pathname && editorKey(current.search) === editorKey(next.search)) {
        return false;
      }
      return !window.confirm(`Discard your unsaved changes to ${what}?`);
    },
    enableBeforeUnload: () => dirtyRef.current && !leaving.current,
  });
  return () => {
    leaving.current = true;
  };
}
