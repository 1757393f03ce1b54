// Keeps the README's promises and CI in step: the newcomer's command CI runs on a fresh clone is the one the
// README shows, and the quality gate and test tiers the README names are the scripts CI and developers run.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const readme = read('README.md');
const ci = read('.ci/run');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** Shell commands shown in the README's fenced code blocks, one per line. */
function readmeCommands(): string[] {
  const blocks = [...readme.matchAll(/```(?:bash|sh|shell)?\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).map((line) => line.trim());
}

describe('README commands', () => {
  it('shows, as its first command, the command CI runs on a fresh clone', () => {
    const demo = /^DEMO_COMMAND='([^']+)'$/m.exec(ci)?.[1];
    expect(demo).toBe('npm install && npm run demo');
    expect(ci).toMatch(/bash -c "\$DEMO_COMMAND"/);
    const first = readmeCommands().find((line) => line.startsWith('npm '));
    expect(first).toBe(demo);
  });

  it('names the quality gate CI runs, and it covers format, lint, typecheck and tests', () => {
    expect(ci).toMatch(/^npm run check$/m);
    expect(readme).toContain('npm run check');
    expect(scripts.check).toBe('npm run format:check && npm run lint && npm run typecheck && npm test');
    expect(scripts.typecheck).toContain('tsc -p tsconfig.json --noEmit');
  });

  it('installs with plain npm ci (no fallback) and runs the browser tests', () => {
    expect(ci).toMatch(/npm ci --no-audit --no-fund/);
    expect(ci).not.toMatch(/npm install --no-save/);
    expect(ci).toMatch(/^npm run test:browser$/m);
  });

  it.each(['test:unit', 'test:int', 'test:e2e', 'test:faults', 'test:browser'])(
    'has the %s tier as a script the README mentions',
    (tier) => {
      expect(scripts[tier]).toBeDefined();
      expect(readme).toContain(`npm run ${tier}`);
    },
  );
});
