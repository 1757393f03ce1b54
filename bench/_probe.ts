import { fork, execSync } from 'node:child_process';
import { startLoadProvider, pct } from './support/bench-env';
async function main() {
  const p = await startLoadProvider({});
  const child = fork(__dirname + '/support/bare-reader.ts', [p.port, Number(process.env.N ?? 100), 2, 8].map(String), { cwd: '/work/main', execArgv: ['-r', './scripts/swc-register.js'], stdio: ['ignore','inherit','inherit','ipc'] });
  if (process.env.RT) setTimeout(() => execSync(`for t in /proc/${child.pid}/task/*; do chrt -f -p 10 $(basename $t); done`), 300);
  if (process.env.NICE) setTimeout(() => execSync(`for t in /proc/${child.pid}/task/*; do renice -n ${process.env.NICE} -p $(basename $t) >/dev/null; done`), 300);
  const f: any = await new Promise((r) => child.once('message', r));
  console.log('probe', process.env.RT ? 'RT' : process.env.NICE ? 'nice' + process.env.NICE : 'normal', 'p50', pct(f.errorsMs, 0.5).toFixed(3), 'p99', pct(f.errorsMs, 0.99).toFixed(3), 'max', pct(f.errorsMs, 1).toFixed(2), 'eld p99', f.eldP99Ms.toFixed(2), 'n', f.errorsMs.length);
  await p.stop();
}
main();
