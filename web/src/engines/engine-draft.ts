// The engine form's state: exactly what the person typed (strings, never trimmed or checked here: the API
// validates with its own zod schemas and answers 400 with the issues), and the API bodies built from it.
import type {
  EngineConnectionTestControllerTestResponse,
  EnginesControllerCreateData,
  EnginesControllerListResponse,
  EnginesControllerUpdateData,
} from '../../../clients/typescript/types.gen';

export type Engine = EnginesControllerListResponse['data'][number];
export type EngineKind = Engine['provider'];
export type EngineCreateBody = EnginesControllerCreateData['body'];
export type EngineUpdateBody = NonNullable<EnginesControllerUpdateData['body']>;
export type EngineParameters = NonNullable<EngineCreateBody['parameters']>;
export type EngineTestResult = EngineConnectionTestControllerTestResponse;

export const KINDS: readonly { value: EngineKind; label: string }[] = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Google Gemini' },
  { value: 'perplexity', label: 'Perplexity' },
  { value: 'openai-compatible', label: 'OpenAI-compatible server' },
  { value: 'demo', label: 'Demo (synthetic)' },
];

export const kindLabel = (kind: EngineKind): string => KINDS.find((k) => k.value === kind)?.label ?? kind;

/** What a kind is, under the kind picker. */
export const KIND_HELP: Record<EngineKind, string> = {
  openai: 'OpenAI’s API: Chat Completions, or Responses for web search.',
  anthropic: 'Anthropic’s Messages API, with web search and extended thinking.',
  gemini: 'Google’s Gemini API, with search grounding and thinking.',
  perplexity: 'Perplexity’s Sonar models, which always search and cite.',
  'openai-compatible': 'Any server speaking Chat Completions (vLLM, LM Studio, gateways) or Ollama.',
  demo: 'Synthetic answers generated here, no provider and no key: for trying streamrank out.',
};

/** Which parameters each kind uses (src/llm adapters); the form shows only those and sends only those. */
export type ParamKey =
  | 'systemPrompt'
  | 'temperature'
  | 'maxTokens'
  | 'webSearch'
  | 'region'
  | 'api'
  | 'ollamaNative'
  | 'thinkingBudgetTokens'
  | 'seed';

const HOSTED: ParamKey[] = ['systemPrompt', 'temperature', 'maxTokens'];
const PARAMS: Record<EngineKind, ParamKey[]> = {
  openai: [...HOSTED, 'api', 'webSearch', 'region'],
  anthropic: [...HOSTED, 'webSearch', 'region', 'thinkingBudgetTokens'],
  gemini: [...HOSTED, 'webSearch', 'region', 'thinkingBudgetTokens'],
  perplexity: [...HOSTED, 'region'],
  'openai-compatible': [...HOSTED, 'ollamaNative', 'thinkingBudgetTokens'],
  demo: ['seed'],
};

export const usesParam = (kind: EngineKind, key: ParamKey): boolean => PARAMS[kind].includes(key);
/** Hosted kinds have a default API root; an OpenAI-compatible server must be given one; demo takes none. */
export const takesBaseUrl = (kind: EngineKind): boolean => kind !== 'demo';
export const takesCredential = (kind: EngineKind): boolean => kind !== 'demo';

export interface EngineDraft {
  name: string;
  provider: EngineKind;
  model: string;
  baseUrl: string;
  /** Write-only: empty keeps the stored credential. */
  credential: string;
  systemPrompt: string;
  temperature: string;
  maxTokens: string;
  webSearch: boolean;
  region: string;
  api: 'chat' | 'responses';
  ollamaNative: boolean;
  thinkingBudgetTokens: string;
  seed: string;
  maxConcurrency: string;
  maxRequestsPerMinute: string;
}

const text = (v: number | string | null | undefined): string =>
  v === undefined || v === null ? '' : String(v);

export function emptyDraft(): EngineDraft {
  return draftOf(null);
}

export function draftOf(engine: Engine | null): EngineDraft {
  const p = engine?.parameters ?? {};
  return {
    name: engine?.name ?? '',
    provider: engine?.provider ?? 'openai',
    model: engine?.model ?? '',
    baseUrl: engine?.baseUrl ?? '',
    credential: '',
    systemPrompt: p.systemPrompt ?? '',
    temperature: text(p.temperature),
    maxTokens: text(p.maxTokens),
    webSearch: p.webSearch ?? false,
    region: p.region ?? '',
    api: p.api ?? 'chat',
    ollamaNative: p.ollamaNative ?? false,
    thinkingBudgetTokens: text(p.thinkingBudgetTokens),
    seed: p.seed ?? '',
    maxConcurrency: text(engine?.maxConcurrency),
    maxRequestsPerMinute: text(engine?.maxRequestsPerMinute),
  };
}

/**
 * A number field as typed: empty is "not set", a number is sent as one, anything else is sent as the text
 * it is, so the API's own message ("expected number") shows next to the field.
 */
function numberOf(typed: string): number | undefined {
  if (typed.trim() === '') return undefined;
  const n = Number(typed);
  return (Number.isFinite(n) ? n : typed) as number;
}

function parametersOf(d: EngineDraft): EngineParameters {
  const out: Record<string, unknown> = {};
  const use = (key: ParamKey) => usesParam(d.provider, key);
  if (use('systemPrompt') && d.systemPrompt !== '') out.systemPrompt = d.systemPrompt;
  for (const key of ['temperature', 'maxTokens', 'thinkingBudgetTokens'] as const) {
    const n = numberOf(d[key]);
    if (use(key) && n !== undefined) out[key] = n;
  }
  if (use('region') && d.region !== '') out.region = d.region;
  if (use('seed') && d.seed !== '') out.seed = d.seed;
  if (use('webSearch') && d.webSearch) out.webSearch = true;
  if (use('api') && d.api !== 'chat') out.api = d.api;
  if (use('ollamaNative') && d.ollamaNative) out.ollamaNative = true;
  return out;
}

/** POST /v1/engines (and /v1/engines/test, which takes the same body). */
export function createBodyOf(d: EngineDraft): EngineCreateBody {
  const body: EngineCreateBody = {
    name: d.name,
    provider: d.provider,
    model: d.model,
    parameters: parametersOf(d),
  };
  if (takesBaseUrl(d.provider) && d.baseUrl !== '') body.baseUrl = d.baseUrl;
  if (takesCredential(d.provider) && d.credential !== '') body.credential = d.credential;
  const concurrency = numberOf(d.maxConcurrency);
  const perMinute = numberOf(d.maxRequestsPerMinute);
  if (concurrency !== undefined) body.maxConcurrency = concurrency;
  if (perMinute !== undefined) body.maxRequestsPerMinute = perMinute;
  return body;
}

/** PATCH /v1/engines/:id (and POST /v1/engines/:id/test): the kind is fixed; an empty credential keeps the stored one. */
export function updateBodyOf(d: EngineDraft, engine: Engine): EngineUpdateBody {
  const body: EngineUpdateBody = {
    name: d.name,
    model: d.model,
    parameters: parametersOf(d),
    maxConcurrency: numberOf(d.maxConcurrency) ?? null,
    maxRequestsPerMinute: numberOf(d.maxRequestsPerMinute) ?? null,
  };
  if (takesBaseUrl(engine.provider) && d.baseUrl !== (engine.baseUrl ?? '')) {
    body.baseUrl = d.baseUrl === '' ? null : d.baseUrl;
  }
  if (takesCredential(engine.provider) && d.credential !== '') body.credential = d.credential;
  return body;
}

const FORM_KEYS = new Set([
  'name',
  'provider',
  'model',
  'baseUrl',
  'credential',
  'maxConcurrency',
  'maxRequestsPerMinute',
  'parameters',
  'parameters.systemPrompt',
  'parameters.temperature',
  'parameters.maxTokens',
  'parameters.webSearch',
  'parameters.region',
  'parameters.api',
  'parameters.ollamaNative',
  'parameters.thinkingBudgetTokens',
  'parameters.seed',
]);

/** The keys the form shows an error next to (see formErrorsOf). */
export const isFormKey = (key: string): boolean => FORM_KEYS.has(key);
