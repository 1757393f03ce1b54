// The marketer's first session, end to end and entirely through the UI with an admin key: from an empty
// workspace, the first project; the own brand and a competitor (with an alias); an OpenAI-compatible engine
// at the fake provider, its connection tested; a prompt on that engine with a weekday schedule (its words and
// next five firings); Run now, the run followed live to its page until it succeeds with both brands' mentions,
// then replayed; an alert rule for the own brand with its preview. The API is only read, at each step and at
// the end, to check that what was stored is what was typed. JOURNEY_SCREENSHOTS=<dir> writes a picture of
// every step there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  AlertRulesControllerListResponse as Rules,
  BrandsControllerListResponse as Brands,
  EnginesControllerListResponse as Engines,
  ProjectsControllerListResponse as Projects,
  PromptsControllerListResponse as Prompts,
  RunsControllerListResponse as Runs,
  SchedulePreviewControllerPreviewResponse as Preview,
} from '../../clients/typescript/types.gen';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { type RunDetail } from '../support/pipeline';
import { createWorkspace, type TestWorkspace } from '../support/test-app';
import { collectPageErrors, seriousAxeViolations } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;
let fake: FakeOpenAiServer;
let fakeBaseUrl: string;
let ws: TestWorkspace;
const SHOTS = process.env.JOURNEY_SCREENSHOTS;

const PROJECT = 'Office coffee';
const OWN = 'Contoso Coffee';
const RIVAL = 'Fabrikam Roasters';
const RIVAL_ALIAS = 'Fabrikam';
const ENGINE = 'Fake provider';
const MODEL = 'gpt-fake-journey';
const KEY = 'sk-journey-typed-4x9w';
const QUESTION = 'Which coffee machine should a small office buy?';
/** The answer, one chunk per write (split at "|"): names the own brand twice and the competitor by its alias. */
const ANSWER = (
  'For| a| small| office|,| **|Contoso| Coffee|**| makes| the| most| reliable| machines|.\n|' +
  'Fabrikam| is| a| cheaper| choice|,| but| its| grinders| are| louder|.\n\n|' +
  'Both| ship| across| Europe|,| and| Contoso| Coffee| has| the| better| warranty|.'
).split('|');

let step = 0;
const shot = async (page: Page, name: string): Promise<void> => {
  step += 1;
  if (SHOTS) {
    await page.screenshot({
      path: path.join(SHOTS, `journey-${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }
};

/** GET a JSON API path with the journey workspace's admin key (assertions only; nothing is set up this way). */
async function api<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${h.baseUrl}${pathAndQuery}`, { headers: ws.auth() });
  if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A page signed in with the journey workspace's admin key (the sign-in screen is covered by its own spec). */
async function signedIn(): Promise<Page> {
  const { context, page } = await h.anonymous({ width: 1280, height: 900 });
  const res = await context.request.post(`${h.baseUrl}/v1/sessions`, {
    data: { apiKey: ws.adminKey },
    headers: { Origin: h.baseUrl },
  });
  if (res.status() !== 201) throw new Error(`sign-in: HTTP ${res.status()} ${await res.text()}`);
  return page;
}

/** Weekday and hh:mm of an instant in Berlin. */
function berlin(at: string): { weekday: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), time: `${part('hour')}:${part('minute')}` };
}

beforeAll(async () => {
  h = await startBrowserHarness('bjourney', { landRuns: false });
  fake = new FakeOpenAiServer();
  fakeBaseUrl = (await fake.start()).baseUrl;
  ws = await createWorkspace(h.t);
});

afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

it('takes a marketer from an empty workspace to a live run, its replay and an alert rule', async () => {
  const page = await signedIn();
  const errors = collectPageErrors(page);

  // 1. The empty workspace offers its first project; creating it opens it.
  await page.goto(h.baseUrl);
  await page.getByTestId('first-project').waitFor();
  await shot(page, 'empty-workspace');
  await page.getByLabel('Project name').fill(PROJECT);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/p\/[0-9a-f-]{36}\/overview/);
  await page.getByRole('heading', { name: PROJECT, level: 1 }).waitFor();
  const projectId = /\/p\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
  expect((await api<Projects>('/v1/projects')).data.map((p) => [p.id, p.name])).toEqual([
    [projectId, PROJECT],
  ]);
  await shot(page, 'project');

  // 2. Brands: the own brand, then a competitor with an alias.
  await page.getByRole('link', { name: 'Brands', exact: true }).click();
  await page.getByRole('link', { name: 'Add own brand' }).click();
  await page.getByRole('heading', { name: 'New own brand' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(OWN);
  await page.getByRole('button', { name: 'Create brand' }).click();
  await page.getByRole('heading', { name: `Edit ${OWN}` }).waitFor();
  await page.getByRole('link', { name: 'Add competitor' }).click();
  await page.getByRole('heading', { name: 'New competitor' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(RIVAL);
  await page.getByRole('button', { name: 'Add alias' }).click();
  await page.getByLabel('Alias 1', { exact: true }).fill(RIVAL_ALIAS);
  await page.getByRole('button', { name: 'Create brand' }).click();
  await page.getByRole('heading', { name: `Edit ${RIVAL}` }).waitFor();
  const brandNav = page.getByRole('navigation', { name: 'Brands' });
  await brandNav.getByRole('link', { name: new RegExp(OWN) }).waitFor();
  await brandNav.getByRole('link', { name: new RegExp(RIVAL) }).waitFor();
  await shot(page, 'brands');

  // 3. Engines (a workspace screen, in the header): an OpenAI-compatible engine at the fake provider.
  await page.getByRole('link', { name: 'Engines', exact: true }).click();
  await page.getByRole('link', { name: 'Add engine' }).click();
  await page.getByRole('heading', { name: 'New engine' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill(ENGINE);
  await page.getByLabel('Kind', { exact: true }).selectOption('openai-compatible');
  await page.getByLabel('Model', { exact: true }).fill(MODEL);
  await page.getByLabel('Base URL', { exact: true }).fill(fakeBaseUrl);
  await page.getByLabel('API key', { exact: true }).fill(KEY);
  await page.getByRole('button', { name: 'Create engine' }).click();
  await page.getByRole('heading', { name: `Edit ${ENGINE}` }).waitFor();
  const engineId = new URL(page.url()).searchParams.get('engine')!;
  expect(engineId).toMatch(/^[0-9a-f-]{36}$/);

  // Its connection, tested with the stored key: one real call to the fake provider, which answers.
  fake.enqueue({ writes: writesOf(openAiChunkEvents(['O', 'K']), 1) });
  const tested = page.waitForResponse(
    (r) => r.url().endsWith(`/v1/engines/${engineId}/test`) && r.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Test connection' }).click();
  expect((await tested).status()).toBe(200);
  const result = page.getByTestId('test-result');
  await result.waitFor();
  expect(await result.getAttribute('data-outcome')).toBe('ok');
  expect(await result.locator('.outcome-badge').textContent()).toBe('ok');
  expect(await result.textContent()).toContain('It answered: OK');
  expect(fake.requests).toHaveLength(1);
  expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  await shot(page, 'engine-tested');

  // 4. Prompts: a prompt asking that engine on weekdays at 09:00 in Berlin; the schedule in words and the
  //    next five firings.
  await page.getByRole('link', { name: 'streamrank home' }).click();
  await page.waitForURL(new RegExp(`/p/${projectId}/overview`));
  await page.getByRole('link', { name: 'Prompts', exact: true }).click();
  await page.getByRole('link', { name: 'New prompt' }).click();
  await page.getByLabel('Prompt text').fill(QUESTION);
  await page.getByLabel('Tags').fill('machines');
  await page.getByLabel(new RegExp(ENGINE)).check();
  await page.getByRole('button', { name: 'Weekdays at 09:00' }).click();
  await page.getByLabel('Timezone').fill('Europe/Berlin');
  const words = page.getByTestId('schedule-words');
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="schedule-words"]')?.textContent ===
      'At 09:00, Monday through Friday (Europe/Berlin)',
  );
  expect(await words.textContent()).toBe('At 09:00, Monday through Friday (Europe/Berlin)');
  const firings = page.getByTestId('schedule-firings').locator('li');
  const shown = await firings.evaluateAll((lis) =>
    lis.map((li) => ({ at: (li as HTMLElement).dataset.at ?? '', text: li.textContent ?? '' })),
  );
  expect(shown).toHaveLength(5);
  for (const f of shown) {
    const local = berlin(f.at);
    expect(local.time).toBe('09:00');
    expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(local.weekday);
    // Shown in the prompt's timezone, as a person reads it.
    expect(f.text).toContain(local.weekday);
    expect(f.text).toContain('09:00');
  }
  const server = await api<Preview>(
    `/v1/schedules/preview?cron=${encodeURIComponent('0 9 * * 1-5')}&timezone=Europe%2FBerlin`,
  );
  // Computed a moment earlier: the same firings unless one passed in between.
  expect(shown.map((f) => f.at)).toEqual(server.firings.map((f) => f.at));
  await shot(page, 'prompt-schedule');
  await page.getByRole('button', { name: 'Create prompt' }).click();
  await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
  const promptId = page.url().split('/').pop()!;

  // 5. Run now; its link opens the run page, where the answer arrives live (about 11 s of stream).
  const streamed = fake.enqueue({ writes: writesOf(openAiChunkEvents(ANSWER), 250) });
  await page.getByRole('button', { name: 'Run now' }).click();
  const started = page.getByTestId('run-now-result');
  await started.waitFor();
  expect(await started.textContent()).toContain('Started');
  const runLink = started.locator('a[data-run-id]');
  expect(await runLink.count()).toBe(1);
  const runId = (await runLink.getAttribute('data-run-id'))!;
  await runLink.click();
  await page.waitForURL(new RegExp(`/p/${projectId}/runs/${runId}$`));
  await page.getByTestId('live-player').waitFor();

  // The text grows and a mention lights while the run is still in progress.
  const first = await page.waitForFunction(() => {
    const n = document.querySelector('[data-testid="replay-text"]')?.textContent?.length ?? 0;
    return n > 0 ? n : false;
  });
  const lengthA = (await first.jsonValue()) as number;
  await page.waitForFunction(
    (a) => (document.querySelector('[data-testid="replay-text"]')?.textContent?.length ?? 0) > a,
    lengthA,
  );
  await page.locator('[data-testid="live-player"] [data-mention-brand][data-lit="true"]').first().waitFor();
  const live = await page.evaluate(() => ({
    status: document.querySelector<HTMLElement>('[data-testid="run-page"]')?.dataset.runStatus,
    mode: window.__streamrankReplay?.state.mode,
    litBy: Array.from(
      document.querySelectorAll<HTMLElement>(
        '[data-testid="live-player"] [data-mention-brand][data-lit="true"]',
      ),
    ).map((el) => el.dataset.litBy),
  }));
  expect(['queued', 'running']).toContain(live.status);
  expect(live.mode).toBe('live');
  expect(live.litBy.length).toBeGreaterThan(0);
  expect(live.litBy.every((by) => by === 'live')).toBe(true);
  await shot(page, 'run-live');

  // It succeeds on the page: the replay of the whole answer, both brands' mentions marked and scored.
  await page.locator('[data-testid="run-page"][data-run-status="succeeded"]').waitFor();
  await page.waitForFunction(() => window.__streamrankReplay?.state.mode === 'replay');
  await streamed.finished;
  const run = await api<RunDetail>(`/v1/runs/${runId}`);
  expect(run.status).toBe('succeeded');
  expect(run.result!.answerText).toBe(ANSWER.join(''));
  const brands = (await api<Brands>(`/v1/projects/${projectId}/brands`)).data;
  const ownId = brands.find((b) => b.name === OWN)!.id;
  const rivalId = brands.find((b) => b.name === RIVAL)!.id;
  const byPosition = [...run.mentions].sort((a, b) => a.charStart - b.charStart);
  expect(byPosition.map((m) => [m.brandId, m.matched])).toEqual([
    [ownId, OWN],
    [rivalId, RIVAL_ALIAS],
    [ownId, OWN],
  ]);
  const scoreRows = page.getByTestId('run-scores').locator('tbody tr');
  expect(await scoreRows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.brand))).toEqual([
    ownId,
    rivalId,
  ]);
  expect(await page.getByTestId('run-scores').textContent()).not.toContain('not mentioned');
  expect(await page.getByTestId('run-scores').locator(`tr[data-brand="${ownId}"]`).textContent()).toContain(
    '×2',
  );

  // Replayed from the start at 8×: the text is typed again and every mention lights by the playback.
  await page.getByTestId('replay-speed-8').click();
  const play = page.getByTestId('replay-play');
  if ((await play.getAttribute('aria-label'))?.startsWith('Pause')) await play.click();
  await page.getByRole('button', { name: /^(Play|Replay) the stream replay$/ }).waitFor();
  await page.getByTestId('replay-scrub').focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => window.__streamrankReplay?.state.litMentions === 0);
  await play.click();
  await page.waitForFunction(() => {
    const s = window.__streamrankReplay?.state;
    return Boolean(s && s.ended && !s.playing && s.speed === 8);
  });
  const marks = await page.locator('[data-testid="replay-text"] [data-mention-brand]').evaluateAll((els) =>
    els.map((el) => ({
      brand: (el as HTMLElement).dataset.mentionBrand,
      lit: (el as HTMLElement).dataset.lit,
      by: (el as HTMLElement).dataset.litBy,
    })),
  );
  expect(marks).toEqual([
    { brand: ownId, lit: 'true', by: 'play' },
    { brand: rivalId, lit: 'true', by: 'play' },
    { brand: ownId, lit: 'true', by: 'play' },
  ]);
  const replayed = await page.getByTestId('replay-text').evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.rn-fold, .visually-hidden').forEach((el) => el.remove());
    return copy.textContent;
  });
  expect(replayed).toBe(run.result!.answerText);
  await shot(page, 'run-replayed');
  expect(await seriousAxeViolations(page)).toEqual([]);

  // 6. Alerts: a rule watching the own brand above the fold; its preview reads the run that just landed.
  await page.getByRole('link', { name: 'Alerts', exact: true }).click();
  await page.getByRole('link', { name: 'New rule' }).click();
  await page.getByRole('heading', { name: 'New alert rule' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Contoso leaves the top');
  await page.getByLabel('Kind', { exact: true }).selectOption('above_fold_change');
  await page.getByLabel('Brand', { exact: true }).selectOption({ label: OWN });
  await page.getByLabel('Window (hours)').fill('24');
  await page.getByLabel('Threshold (%)').fill('50');
  await page.getByLabel('Minimum runs').fill('1');
  const preview = page.locator('section.rule-preview[aria-busy="false"] [data-testid="rule-preview"]');
  await page
    .locator('section.rule-preview[aria-busy="false"] [data-testid="preview-summary"]', {
      hasText: 'over 1 run (1 with enough runs to decide)',
    })
    .waitFor();
  // One run decides only the side it starts on: nothing to fire yet.
  expect(await preview.getAttribute('data-firings')).toBe('0');
  expect(await preview.getByTestId('preview-summary').textContent()).toMatch(/^It would not have fired/);
  await shot(page, 'alert-preview');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByRole('heading', { name: 'New alert rule' }).waitFor({ state: 'hidden' });
  await page.getByTestId('alert-rules').getByText('Contoso leaves the top').waitFor();
  await shot(page, 'alert-rules');

  // What the API stored is what was typed.
  expect((await api<Projects>('/v1/projects')).data).toEqual([
    expect.objectContaining({ id: projectId, name: PROJECT }),
  ]);
  expect(brands).toHaveLength(2);
  expect(brands.find((b) => b.id === ownId)).toMatchObject({ name: OWN, kind: 'own', aliases: [] });
  expect(brands.find((b) => b.id === rivalId)).toMatchObject({
    name: RIVAL,
    kind: 'competitor',
    aliases: [expect.objectContaining({ text: RIVAL_ALIAS })],
  });
  expect((await api<Engines>('/v1/engines')).data).toEqual([
    expect.objectContaining({
      id: engineId,
      name: ENGINE,
      provider: 'openai-compatible',
      model: MODEL,
      baseUrl: fakeBaseUrl,
      credential: expect.objectContaining({ set: true, last4: KEY.slice(-4) }),
      disabledReason: null,
    }),
  ]);
  const prompts = (await api<Prompts>(`/v1/projects/${projectId}/prompts`)).data;
  expect(prompts).toEqual([
    expect.objectContaining({
      id: promptId,
      text: QUESTION,
      tags: ['machines'],
      engineIds: [engineId],
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      active: true,
    }),
  ]);
  expect(shown.map((f) => f.at)).toContain(prompts[0]!.nextSlotAt);
  const runs = (await api<Runs>(`/v1/runs?projectId=${projectId}&promptId=${promptId}`)).data;
  expect(runs).toEqual([expect.objectContaining({ id: runId, status: 'succeeded', engineId })]);
  expect([...runs[0]!.mentionedBrandIds].sort()).toEqual([ownId, rivalId].sort());
  expect((await api<Rules>(`/v1/projects/${projectId}/alert-rules`)).data).toEqual([
    expect.objectContaining({
      name: 'Contoso leaves the top',
      kind: 'above_fold_change',
      enabled: true,
      params: expect.objectContaining({ brandId: ownId, windowHours: 24, thresholdPercent: 50, minRuns: 1 }),
    }),
  ]);
  // One call for the test, one for the run: the engine was asked nothing else.
  expect(fake.requests).toHaveLength(2);
  expect(JSON.parse(fake.requests[1]!.body)).toMatchObject({ model: MODEL, stream: true });
  expect(fake.requests[1]!.body).toContain(QUESTION);
  expect(errors).toEqual([]);
});
