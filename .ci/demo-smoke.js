// CI smoke test of the README's first command: reads the demo's banner from its log, then waits until the API
// answers with a succeeded run that has mentions, and checks the web app and the printed sign-in link.
// Usage: node .ci/demo-smoke.js <demo log file> <timeout seconds>
const fs = require('node:fs');

const [logFile, timeoutArg] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutArg ?? 120) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function fail(message) {
  console.error(`demo smoke: ${message}`);
  process.exit(1);
}

async function banner() {
  while (Date.now() < deadline) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    const key = /API key:\s+(sr_\S+)/.exec(log)?.[1];
    const project = /project:\s+([0-9a-f-]{36})/.exec(log)?.[1];
    const base = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(log)?.[1];
    if (key && project && base)
      return { key, project, base, link: /(http:\/\/\S+\/v1\/sessions\/link\?token=\S+)/.exec(log)?.[1] };
    await sleep(500);
  }
  fail('no banner (API key, project, URL) in the demo log before the deadline');
}

async function api(base, key, path) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function main() {
  const started = Date.now();
  const { key, project, base, link } = await banner();
  console.log(`demo smoke: banner after ${((Date.now() - started) / 1000).toFixed(1)} s (${base})`);
  while (Date.now() < deadline) {
    const page = await api(base, key, `/v1/runs?projectId=${project}&status=succeeded`).catch(() => null);
    for (const run of page?.data ?? []) {
      if (run.mentionedBrandIds?.length > 0) {
        const detail = await api(base, key, `/v1/runs/${run.id}`);
        if (detail.status !== 'succeeded' || detail.mentions.length === 0)
          fail(`run ${run.id} detail disagrees`);
        console.log(
          `demo smoke: run ${run.id} succeeded with ${detail.mentions.length} mentions, ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s after the command started`,
        );
        await checkWebApp(base, link);
        return;
      }
    }
    await sleep(1000);
  }
  fail('no succeeded run with mentions before the deadline');
}

async function checkWebApp(base, link) {
  const page = await fetch(`${base}/`);
  const html = await page.text();
  if (page.status !== 200 || !/<div id="root">/.test(html))
    fail(`GET / did not serve the web app (${page.status})`);
  if (!link) fail('the banner has no sign-in link');
  const signIn = await fetch(link, { redirect: 'manual' });
  if (signIn.status !== 303 || !/sr_session=/.test(signIn.headers.get('set-cookie') ?? '')) {
    fail(`the sign-in link did not start a session (${signIn.status})`);
  }
  console.log('demo smoke: web app served, sign-in link starts a session');
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
