// The browser tests' data: a project with four brands, two engines whose answers come from scripted fake
// providers over HTTP (an OpenAI-compatible one and a Perplexity one, which also cites sources), one prompt,
// an alert rule, and runs driven through the real pipeline (run-now, worker, capture) until they land.
import { FakeOpenAiServer, type FakeScript } from '../../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../../fakes/openai-sse-script';
import { perplexityEvents, type PerplexitySource } from '../../fakes/perplexity-sse-script';
import { type RunDetail, waitForRun } from '../../support/pipeline';
import { type TestApp, type TestWorkspace } from '../../support/test-app';

export const OWN_BRAND = 'Northwind CRM';
export const BRANDS = [
  { name: OWN_BRAND, kind: 'own', aliases: [{ text: 'Northwind' }], domains: ['northwind.example'] },
  { name: 'HubSpot', kind: 'competitor', aliases: [], domains: ['hubspot.com'] },
  { name: 'Salesforce', kind: 'competitor', aliases: [], domains: ['salesforce.com'] },
  { name: 'Pipedrive', kind: 'competitor', aliases: [], domains: ['pipedrive.com'] },
] as const;

/** Answers as chunk lists (one chunk per write, split at "|"). Every brand is named at a different point. */
export const ANSWERS: readonly (readonly string[])[] = [
  'Here| are| the| best| CRM| tools| for| a| small| team|:\n\n|1.| **|North|wind| CRM|**| is| simple| and| fast|.\n|' +
    '2.| Hub|Spot| has| a| free| tier|.\n|3.| Sales|force| scales| to| large| companies|.\n\n|' +
    'For| sales| pipelines|,| Pipe|drive| is| also| popular|.',
  'Popular| options| include| Hub|Spot| and| Sales|force|.| Smaller| teams| often| pick| Pipe|drive|.|' +
    ' Northwind| CRM| is| a| newer| choice|.',
  'Sales|force| leads| the| market|,| followed| by| Hub|Spot|.| Many| startups| also| like| Pipe|drive|' +
    ' for| its| simple| pipeline| view|.',
].map((answer) => answer.split('|'));

const SOURCES: PerplexitySource[] = [
  { url: 'https://northwind.example/pricing', title: 'Northwind pricing' },
  { url: 'https://www.hubspot.com/products/crm', title: 'HubSpot CRM' },
  { url: 'https://www.g2.com/categories/crm', title: 'G2 CRM' },
];

export interface BrowserFixture {
  projectId: string;
  promptId: string;
  /** Engine ids: `gpt` (OpenAI-compatible fake) and `sonar` (Perplexity fake). */
  engines: { gpt: string; sonar: string };
  brands: Record<string, string>;
  gptFake: FakeOpenAiServer;
  sonarFake: FakeOpenAiServer;
  runIds: string[];
}

/** An OpenAI-compatible stream of `chunks`, `delayMs` between writes. */
export function gptScript(chunks: readonly string[], delayMs: number): FakeScript {
  return { writes: writesOf(openAiChunkEvents(chunks), delayMs) };
}

/** A Perplexity stream of `chunks` citing the three sources from its third chunk on. */
export function sonarScript(chunks: readonly string[], delayMs: number): FakeScript {
  const events = perplexityEvents(chunks, { sourcesAt: (i) => (i >= 2 ? SOURCES : []) });
  return { writes: writesOf(events, delayMs) };
}

export async function createFixture(
  t: TestApp,
  ws: TestWorkspace,
  name = 'CRM tools',
): Promise<Omit<BrowserFixture, 'runIds'>> {
  const post = async (url: string, body: object): Promise<string> => {
    const res = await t.http().post(url).set(ws.auth()).send(body);
    if (res.status !== 201) throw new Error(`POST ${url}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  };
  const gptFake = new FakeOpenAiServer();
  const sonarFake = new FakeOpenAiServer();
  const gptUrl = (await gptFake.start()).baseUrl;
  const sonarUrl = (await sonarFake.start()).baseUrl;
  const projectId = await post('/v1/projects', { name, foldTokens: 20 });
  const brands: Record<string, string> = {};
  for (const b of BRANDS) {
    brands[b.name] = await post(`/v1/projects/${projectId}/brands`, { ...b, aliases: [...b.aliases] });
  }
  const gpt = await post('/v1/engines', {
    name: `Fake GPT (${name})`,
    provider: 'openai-compatible',
    model: 'gpt-fake',
    baseUrl: gptUrl,
    credential: 'sk-fake-test-key',
  });
  const sonar = await post('/v1/engines', {
    name: `Fake Sonar (${name})`,
    provider: 'perplexity',
    model: 'sonar',
    baseUrl: sonarUrl,
    credential: 'pplx-fake-test-key',
  });
  const promptId = await post(`/v1/projects/${projectId}/prompts`, {
    text: 'What are the best CRM tools for a small team?',
    tags: ['crm'],
    engineIds: [gpt, sonar],
    cron: '0 0 1 1 *',
  });
  await post(`/v1/projects/${projectId}/alert-rules`, {
    name: 'Own domain cited',
    kind: 'first_own_domain_citation',
    params: {},
  });
  return { projectId, promptId, engines: { gpt, sonar }, brands, gptFake, sonarFake };
}

/** POST /v1/prompts/:id/run: one run per engine; returns { gpt, sonar } run ids (engine order of the prompt). */
export async function runNow(
  t: TestApp,
  ws: TestWorkspace,
  fx: Omit<BrowserFixture, 'runIds'>,
  scripts: { gpt: FakeScript; sonar: FakeScript },
): Promise<{ gpt: string; sonar: string }> {
  fx.gptFake.enqueue(scripts.gpt);
  fx.sonarFake.enqueue(scripts.sonar);
  const res = await t.http().post(`/v1/prompts/${fx.promptId}/run`).set(ws.auth()).send({});
  if (res.status !== 202) throw new Error(`run now: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const ids = (res.body as { runIds: string[] }).runIds;
  const runs = await Promise.all(
    ids.map(async (id) => {
      const r = await t.http().get(`/v1/runs/${id}`).set(ws.auth('read'));
      return r.body as { id: string; engineId: string };
    }),
  );
  const byEngine = (engineId: string): string => {
    const run = runs.find((r) => r.engineId === engineId);
    if (!run) throw new Error(`no run for engine ${engineId}: ${JSON.stringify(runs)}`);
    return run.id;
  };
  return { gpt: byEngine(fx.engines.gpt), sonar: byEngine(fx.engines.sonar) };
}

/** Lands every scripted answer on both engines (fast streams) and checks each run succeeded. */
export async function landRuns(
  t: TestApp,
  ws: TestWorkspace,
  fx: Omit<BrowserFixture, 'runIds'>,
  delayMs = 25,
): Promise<string[]> {
  const ids: string[] = [];
  for (const answer of ANSWERS) {
    const run = await runNow(t, ws, fx, {
      gpt: gptScript(answer, delayMs),
      sonar: sonarScript(answer, delayMs),
    });
    for (const id of [run.gpt, run.sonar]) {
      const detail: RunDetail = await waitForRun(t, ws, id, 60_000);
      if (detail.status !== 'succeeded') {
        throw new Error(`run ${id} ${detail.status}: ${detail.failureMessage}`);
      }
      ids.push(id);
    }
  }
  return ids;
}
