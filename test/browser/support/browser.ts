// Headless Chromium (the system one, via playwright-core) and checks shared by the browser specs: axe-core,
// horizontal overflow, no key in script-readable storage.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

const AXE_PATH = path.resolve(__dirname, '../../../node_modules/axe-core/axe.min.js');
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now (WCAG 2.x A/AA rules and best practices); serious and critical only. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly refuses an inline tag.
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
  });
}

interface AxeApi {
  run: (
    context: Document,
    options: object,
  ) => Promise<{
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  }>;
}

/** How far the page scrolls sideways (0 when nothing overflows the viewport horizontally). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    return Math.max(doc.scrollWidth, document.body.scrollWidth) - doc.clientWidth;
  });
}

/** The outermost elements sticking out of the viewport on the right (for a readable failure). */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    const walk = (el: Element): void => {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) {
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
        const id = el.getAttribute('data-testid');
        out.push(
          `${el.tagName.toLowerCase()}${cls}${id ? `[data-testid=${id}]` : ''} right=${Math.round(r.right)}`,
        );
        return;
      }
      // A scroll container (a wide table's wrapper) clips its content: the page does not scroll for it.
      if (getComputedStyle(el).overflowX !== 'visible') return;
      for (const child of Array.from(el.children)) walk(child);
    };
    walk(document.body);
    return out.slice(0, 5);
  });
}

/** Every place script can read: the key must be in none of them. */
export function scriptReadableStorage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (s: Storage): string =>
      Array.from({ length: s.length }, (_, i) => {
        const k = s.key(i) ?? '';
        return `${k}=${s.getItem(k) ?? ''}`;
      }).join('\n');
    return [dump(localStorage), dump(sessionStorage), document.cookie, location.href].join('\n');
  });
}

/** Errors the page throws or logs (a test can assert there are none that matter). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** A number shown on screen ("42.5 %", "1,234", "0.8 s") as a float; NaN when there is none. */
export function numberIn(text: string): number {
  const m = /-?[\d,]*\.?\d+/.exec(text.replace(/\u2212/g, '-'));
  return m ? Number(m[0].replace(/,/g, '')) : NaN;
}
