// A run in progress: its page opened while the (slow, scripted) stream is still arriving shows the text
// growing and mentions lighting as the server detects them, then the finished run with its replay.
import { type RunDetail, waitForRun } from '../support/pipeline';
import { collectPageErrors } from './support/browser';
import { ANSWERS, gptScript, runNow, sonarScript } from './support/fixture';
import { startBrowserHarness, type BrowserHarness } from './support/harness';
import { replayState } from './support/signals';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('blive', { landRuns: false });
});

afterAll(async () => {
  await h?.stop();
});

const shownText = (root: Element): string => {
  const copy = root.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('.rn-fold').forEach((el) => el.remove());
  return copy.textContent ?? '';
};

it('a live run appears, its text grows, mentions light, then it finishes and replays', async () => {
  const answer = ANSWERS[0]!;
  // ~50 chunks 200 ms apart: about 10 s of stream, plenty to watch it grow on a busy machine.
  const run = await runNow(h.t, h.ws, h.fx, { gpt: gptScript(answer, 200), sonar: sonarScript(answer, 10) });
  const { page } = await h.signedIn();
  const errors = collectPageErrors(page);
  await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs/${run.gpt}`);
  await page.getByTestId('live-player').waitFor({ timeout: 30_000 });
  const text = page.getByTestId('replay-text');

  // The text grows while the run is in progress.
  const first = await page.waitForFunction(
    () => {
      const n = document.querySelector('[data-testid="replay-text"]')?.textContent?.length ?? 0;
      return n > 0 ? n : false;
    },
    undefined,
    { timeout: 30_000 },
  );
  const lengthA = (await first.jsonValue()) as number;
  await page.waitForFunction(
    (a) => (document.querySelector('[data-testid="replay-text"]')?.textContent?.length ?? 0) > a,
    lengthA,
    { timeout: 30_000 },
  );
  const midway = await page.getByTestId('run-page').getAttribute('data-run-status');
  expect(['queued', 'running']).toContain(midway);
  expect((await replayState(page))?.mode).toBe('live');

  // A mention lights while the stream is still arriving (the page still shows the run in progress).
  await page.locator('[data-testid="live-player"] [data-mention-brand][data-lit="true"]').first().waitFor();
  const litLive = await page.evaluate(() => ({
    status: document.querySelector<HTMLElement>('[data-testid="run-page"]')?.dataset.runStatus,
    litBy: Array.from(
      document.querySelectorAll<HTMLElement>(
        '[data-testid="live-player"] [data-mention-brand][data-lit="true"]',
      ),
    ).map((el) => el.dataset.litBy),
  }));
  expect(['queued', 'running']).toContain(litLive.status);
  expect(litLive.litBy.length).toBeGreaterThan(0);
  expect(litLive.litBy.every((by) => by === 'live')).toBe(true);

  // The finished state: the status, and the replay of the full answer with every mention.
  const done: RunDetail = await waitForRun(h.t, h.ws, run.gpt, 60_000);
  expect(done.status).toBe('succeeded');
  await page.locator('[data-testid="run-page"][data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => window.__streamrankReplay?.state.mode === 'replay', undefined, {
    timeout: 30_000,
  });
  await page.evaluate(() => window.__streamrankReplay!.clock!.seek(1e12));
  await page.waitForFunction(() => window.__streamrankReplay!.state.ended);
  expect(await text.evaluate(shownText)).toBe(done.result!.answerText);
  expect(await page.locator('[data-testid="replay-text"] [data-mention-brand]').count()).toBe(
    done.mentions.length,
  );
  expect(errors).toEqual([]);
});
