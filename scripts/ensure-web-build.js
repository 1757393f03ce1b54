// Run before `npm run demo` and `npm run start:dev`: builds the web app (web/ -> web/dist, served at / by the
// API process) when web/dist is missing or older than its sources, so a fresh clone shows the app with no
// extra step and an unchanged tree starts without rebuilding.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const config = path.join(root, 'web', 'vite.config.ts');
const builtIndex = path.join(root, 'web', 'dist', 'index.html');
const sources = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/public', 'clients/typescript'];

function newestMtime(file) {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(file)
    .reduce((newest, entry) => Math.max(newest, newestMtime(path.join(file, entry))), stat.mtimeMs);
}

if (!fs.existsSync(config)) process.exit(0);
const sourcesMtime = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (fs.existsSync(builtIndex) && fs.statSync(builtIndex).mtimeMs >= sourcesMtime) process.exit(0);

console.log('web app: building web/dist (vite build)...');
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [
    path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
    'build',
    '--config',
    config,
    '--logLevel',
    'warn',
  ],
  { stdio: 'inherit', cwd: root },
);
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`web app: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
