// The alert rule form's state: exactly what the person typed (numbers as text), and the API body built from
// it. Nothing is checked here: the API validates with its zod schemas (the preview as well as the save) and
// answers 400 with the issues, shown next to their fields.
import type {
  AlertRulesControllerCreateData,
  AlertRulesControllerListResponse,
  AlertRulesControllerPreviewResponse,
} from '../../../../clients/typescript/types.gen';

export type AlertRule = AlertRulesControllerListResponse['data'][number];
export type AlertRuleBody = AlertRulesControllerCreateData['body'];
export type AlertRuleKind = AlertRuleBody['kind'];
export type AlertPreview = AlertRulesControllerPreviewResponse;

export const PARAM_KEYS = [
  'brandId',
  'competitorId',
  'windowHours',
  'dropPoints',
  'thresholdPercent',
  'direction',
  'minRuns',
  'hysteresisPoints',
] as const;
export type ParamKey = (typeof PARAM_KEYS)[number];

/** The parameters each kind takes, in form order. */
export const KIND_PARAMS: Record<AlertRuleKind, readonly ParamKey[]> = {
  mention_rate_drop: ['brandId', 'windowHours', 'dropPoints', 'minRuns', 'hysteresisPoints'],
  competitor_overtake: ['brandId', 'competitorId', 'windowHours', 'minRuns', 'hysteresisPoints'],
  above_fold_change: [
    'brandId',
    'windowHours',
    'thresholdPercent',
    'direction',
    'minRuns',
    'hysteresisPoints',
  ],
  first_own_domain_citation: ['brandId'],
};

export const NUMERIC: ReadonlySet<ParamKey> = new Set([
  'windowHours',
  'dropPoints',
  'thresholdPercent',
  'minRuns',
  'hysteresisPoints',
]);

export interface RuleDraft {
  name: string;
  kind: AlertRuleKind;
  enabled: boolean;
  /** As typed; an empty value is left out of the body (the API's default applies). */
  params: Record<ParamKey, string>;
}

const EMPTY_PARAMS: Record<ParamKey, string> = {
  brandId: '',
  competitorId: '',
  windowHours: '',
  dropPoints: '',
  thresholdPercent: '',
  direction: '',
  minRuns: '',
  hysteresisPoints: '',
};

export function emptyRuleDraft(): RuleDraft {
  return {
    name: '',
    kind: 'mention_rate_drop',
    enabled: true,
    params: { ...EMPTY_PARAMS, windowHours: '168', dropPoints: '10', minRuns: '10' },
  };
}

export function ruleDraftOf(rule: AlertRule): RuleDraft {
  const params = { ...EMPTY_PARAMS };
  for (const key of PARAM_KEYS) {
    const v = rule.params[key];
    if (typeof v === 'string' || typeof v === 'number') params[key] = String(v);
  }
  return { name: rule.name, kind: rule.kind, enabled: rule.enabled, params };
}

/** A number when the text is one, else the text itself (the API says what is wrong with it). */
function typed(key: ParamKey, text: string): string | number {
  if (!NUMERIC.has(key)) return text;
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

export function paramsOf(draft: RuleDraft): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const key of KIND_PARAMS[draft.kind]) {
    const text = draft.params[key];
    if (text !== '') out[key] = typed(key, text);
  }
  return out;
}

/** The create (and preview) body; typed loosely on purpose: what was typed goes to the API as it is. */
export function ruleBodyOf(draft: RuleDraft): AlertRuleBody {
  return {
    name: draft.name,
    kind: draft.kind,
    enabled: draft.enabled,
    params: paramsOf(draft),
  } as unknown as AlertRuleBody;
}

/** The keys the form shows an error next to (`params.windowHours`, `name`, ...). */
export function isRuleFormKey(key: string): boolean {
  if (key === 'name' || key === 'kind' || key === 'enabled' || key === 'params') return true;
  return key.startsWith('params.') && (PARAM_KEYS as readonly string[]).includes(key.slice(7));
}
