// The Alerts screen's URL state: which rule is open in the editor (an id, or "new"), so a link shows it too.
export interface AlertsSearch {
  rule?: string;
}

const ID_RE = /^[0-9a-f-]{36}$/i;

export function validateAlertsSearch(raw: Record<string, unknown>): AlertsSearch {
  const rule = raw.rule;
  return { rule: typeof rule === 'string' && (rule === 'new' || ID_RE.test(rule)) ? rule : undefined };
}
