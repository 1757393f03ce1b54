// Follows a run in progress over Server-Sent Events (GET /v1/runs/:id/events; the cookie session or the dev
// proxy authenticates it). Events are folded into a LiveState; the stream is closed on the terminal event
// (the server closes it too, and EventSource would otherwise reconnect).
import { useEffect, useReducer, useRef, useState } from 'react';
import {
  applyLiveEvent,
  initialLiveState,
  LIVE_EVENT_TYPES,
  parseLiveEvent,
  type LiveEvent,
  type LiveState,
} from '../replay/live';

export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed';

export function useLiveRun(
  runId: string,
  enabled: boolean,
  onDone: () => void,
): { live: LiveState; connection: LiveConnection } {
  const [live, dispatch] = useReducer(
    (s: LiveState, e: LiveEvent | null) => (e === null ? initialLiveState : applyLiveEvent(s, e)),
    initialLiveState,
  );
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  // The page's callback may be a new function each render: it must not reconnect the stream.
  const doneRef = useRef(onDone);
  doneRef.current = onDone;

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    dispatch(null);
    setConnection('connecting');
    const source = new EventSource(`/v1/runs/${encodeURIComponent(runId)}/events`);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      source.close();
      setConnection('closed');
      doneRef.current();
    };
    const handler = (type: string) => (ev: MessageEvent<string>) => {
      const event = parseLiveEvent(type, ev.data);
      if (!event) return;
      dispatch(event);
      const terminal =
        event.type === 'scores' ||
        (event.type === 'status' && ['succeeded', 'failed', 'skipped'].includes(event.data.status));
      if (terminal) finish();
    };
    const listeners = LIVE_EVENT_TYPES.map((t) => [t, handler(t)] as const);
    for (const [t, l] of listeners) source.addEventListener(t, l);
    source.onopen = () => setConnection('open');
    source.onerror = () => {
      if (finished) return;
      // CLOSED: the server refused (404, 401, 503): the page falls back to polling the run.
      if (source.readyState === EventSource.CLOSED) {
        setConnection('failed');
        finished = true;
        doneRef.current();
      } else setConnection('reconnecting');
    };
    return () => {
      finished = true;
      for (const [t, l] of listeners) source.removeEventListener(t, l);
      source.close();
    };
  }, [runId, enabled]);

  return { live, connection };
}
