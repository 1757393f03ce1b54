// The Engines screen's URL state: which engine is open (an id, or "new"), so a link shows the same thing.
export interface EnginesSearch {
  engine?: string;
}

const ID_RE = /^[0-9a-f-]{36}$/i;

export function validateEnginesSearch(raw: Record<string, unknown>): EnginesSearch {
  const engine = raw.engine;
  return {
    engine: typeof engine === 'string' && (engine === 'new' || ID_RE.test(engine)) ? engine : undefined,
  };
}
