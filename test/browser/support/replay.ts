// Drives the run page's stream replay through its test hook (window.__streamrankReplay) and measures, from the
// test's side, when each mention lit: a MutationObserver stamps performance.now() when a mention <mark> gets
// data-lit, against the wall time of play().
import { type Page } from 'playwright-core';

export interface LitMeasure {
  brand: string;
  brandName: string;
  visibleAtMs: number;
  /** Wall ms from play() to the moment this test saw the mark lit (null: never lit). */
  seenLitAtWallMs: number | null;
  /** What the app itself recorded (data-lit-at-wall-ms / data-lit-by). */
  appLitAtWallMs: number | null;
  litBy: string | null;
}

/** Waits for the replay's clock (the run page of a finished run). */
export async function waitForReplay(page: Page): Promise<void> {
  await page.waitForFunction(() => Boolean(window.__streamrankReplay?.clock), undefined, {
    timeout: 60_000,
  });
}

/** Replays from the start at `speed` until the end; returns every mention's lighting times. */
export async function playFromStart(page: Page, speed: 1 | 2 | 4 | 8): Promise<LitMeasure[]> {
  return page.evaluate(async (s) => {
    const hook = window.__streamrankReplay!;
    const clock = hook.clock!;
    clock.pause();
    clock.setSpeed(s);
    clock.seek(0);
    // Let a frame redraw the cleared text (every mark unlit) before observing.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const root = document.querySelector('[data-testid="replay-text"]')!;
    const seen = new Map<Element, number>();
    let t0 = 0;
    const stamp = (el: Element): void => {
      if (
        el instanceof HTMLElement &&
        el.dataset.mentionBrand &&
        el.dataset.lit === 'true' &&
        !seen.has(el)
      ) {
        seen.set(el, performance.now() - t0);
      }
    };
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') stamp(r.target as Element);
        for (const n of Array.from(r.addedNodes)) {
          if (n instanceof HTMLElement) {
            stamp(n);
            n.querySelectorAll('[data-mention-brand]').forEach(stamp);
          }
        }
      }
    });
    observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-lit'],
    });
    t0 = performance.now();
    clock.play();
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (hook.state.ended && !hook.state.playing) resolve();
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    // One more frame so the last lights are drawn and observed.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
    observer.disconnect();
    return Array.from(root.querySelectorAll<HTMLElement>('[data-mention-brand]')).map((el) => ({
      brand: el.dataset.mentionBrand ?? '',
      brandName: el.dataset.mentionBrandName ?? '',
      visibleAtMs: Number(el.dataset.visibleAtMs),
      seenLitAtWallMs: seen.get(el) ?? null,
      appLitAtWallMs: el.dataset.litAtWallMs === undefined ? null : Number(el.dataset.litAtWallMs),
      litBy: el.dataset.litBy ?? null,
    }));
  }, speed);
}
