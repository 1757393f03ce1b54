// Runs fault scripts one after the other (each in its own process, with its own private Redis and Postgres)
// and prints one verdict line per script. Exit code 1 if any failed.
//
//   npm run test:faults                      the CI set (part of `npm test`)
//   npm run test:chaos                       every script, including the slow ones
//   npm run test:faults -- redis-flush ...   the named scripts only
import { spawn } from 'node:child_process';
import path from 'node:path';

/** Part of `npm test`: together within the CI time budget. */
export const CI_FAULTS = [
  'kill-worker',
  'redis-restart',
  'redis-flush',
  'postgres-restart',
  'postgres-outage-finish',
  'rolling-sigterm',
];
/** Only in `npm run test:chaos` (racing claimers are also covered in CI by run-pipeline-claims.e2e-spec.ts). */
export const SLOW_FAULTS = ['claimers-race'];

const ROOT = path.resolve(__dirname, '../..');

function runOne(name: string): Promise<{ name: string; code: number; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', './scripts/swc-register.js', `test/faults/${name}.fault.ts`],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    child.once('exit', (code) => resolve({ name, code: code ?? 1, seconds: (Date.now() - t0) / 1000 }));
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const names = args.includes('--all') ? [...CI_FAULTS, ...SLOW_FAULTS] : args.length > 0 ? args : CI_FAULTS;
  const unknown = names.filter((n) => ![...CI_FAULTS, ...SLOW_FAULTS].includes(n));
  if (unknown.length > 0) {
    console.error(`unknown fault script(s): ${unknown.join(', ')}`);
    return 2;
  }
  const results = [];
  for (const name of names) {
    console.log(`\n##### fault: ${name} #####`);
    results.push(await runOne(name));
  }
  console.log('\n##### fault tests #####');
  for (const r of results) {
    console.log(`${r.code === 0 ? 'PASS' : 'FAIL'}  ${r.name.padEnd(18)} ${r.seconds.toFixed(0)} s`);
  }
  console.log(`total ${results.reduce((a, r) => a + r.seconds, 0).toFixed(0)} s`);
  return results.every((r) => r.code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
