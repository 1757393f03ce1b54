// The folder tree is the architecture: these checks keep it so. Pure (reads files, no database). The
// no-restricted-imports rules in eslint.config.mjs mirror (b) and (c) in the editor; this test also sees
// dynamic imports and require, resolves every path, and alone checks cycles and where Prisma is used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  collectImports,
  findFolderCycles,
  formatCycles,
  infraViolations,
  type ImportEdge,
  parseImports,
  prismaViolations,
  pureCoreViolations,
} from './import-graph';

/**
 * Files other than repositories, module files and src/infra/prisma/ that may import Prisma, and why. Keep
 * it short: an entry here is a place where Prisma leaks past a repository.
 */
const PRISMA_ALLOW_LIST: ReadonlyMap<string, string> = new Map([
  [
    'src/infra/http/http-exception.filter.ts',
    // Needs the `Prisma` namespace as a value: `instanceof Prisma.PrismaClientKnownRequestError` (and the
    // initialization error) map database errors to 409/503 for every route, in one place.
    'maps Prisma error classes to HTTP answers',
  ],
]);

const repoRoot = path.resolve(__dirname, '../..');

describe('import boundaries of src/', () => {
  const edges = collectImports(repoRoot);

  it('finds the imports (sanity: the graph is not empty)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from === 'src/app.module.ts' && e.specifier === '@nestjs/common')).toBe(true);
  });

  it('(a) has no import cycle between top-level folders', () => {
    expect(formatCycles(findFolderCycles(edges))).toEqual([]);
  });

  it('(b) infra imports no feature folder', () => {
    expect(infraViolations(edges)).toEqual([]);
  });

  it('(c) detection, scoring, llm and capture/recording import no Nest, Prisma, Redis or BullMQ', () => {
    expect(pureCoreViolations(edges)).toEqual([]);
  });

  it('(d) Prisma is imported only by repositories, module files and the allow-list', () => {
    expect(prismaViolations(edges, PRISMA_ALLOW_LIST)).toEqual([]);
  });
});

describe('the checkers (self-test: they can fail)', () => {
  const edge = (from: string, target: string | null, specifier = target ?? ''): ImportEdge => ({
    from,
    specifier,
    target,
    line: 1,
  });

  it('parses every kind of import', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "import './side-effect';",
      "export { c } from './c';",
      "export * from './d';",
      "import e = require('./e');",
      "const f = require('./f');",
      "async function g() { return import('./g'); }",
      "let h: import('./h').H;",
      "const notAnImport = { from: './nothing' };",
    ].join('\n');
    expect(parseImports('x.ts', source)).toEqual(
      ['./a', '../b', './side-effect', './c', './d', './e', './f', './g', './h'].map((specifier, i) => ({
        specifier,
        line: i + 1,
      })),
    );
  });

  it('reads and resolves the files on disk (index files, specs and generated code skipped)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-boundaries-'));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    try {
      write('src/a/x.ts', "import { y } from '../b';\nexport const x = y;\n");
      write('src/b/index.ts', "export const y = 1;\nexport const later = () => import('../a/x');\n");
      write('src/b/y.spec.ts', "import '../c/z';\n");
      write('src/generated/prisma/client.ts', "import '../../a/x';\n");
      const found = collectImports(root);
      expect(found).toEqual([
        { from: 'src/a/x.ts', specifier: '../b', target: 'src/b/index.ts', line: 1 },
        { from: 'src/b/index.ts', specifier: '../a/x', target: 'src/a/x.ts', line: 2 },
      ]);
      expect(formatCycles(findFolderCycles(found))).toEqual([
        "cycle {a, b}: a -> b: src/a/x.ts:1 -> '../b'",
        "cycle {a, b}: b -> a: src/b/index.ts:2 -> '../a/x'",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports a cycle with its edges and files, and nothing for an acyclic graph', () => {
    const graph = [
      edge('src/a/x.ts', 'src/b/y.ts', '../b/y'),
      edge('src/b/y.ts', 'src/c/z.ts', '../c/z'),
      edge('src/c/z.ts', 'src/a/w.ts', '../a/w'),
      edge('src/d/v.ts', 'src/a/x.ts', '../a/x'),
      edge('src/a/x.ts', 'src/a/w.ts', './w'),
      edge('src/main.ts', 'src/d/v.ts', './d/v'),
    ];
    const cycles = findFolderCycles(graph);
    expect(cycles).toEqual([
      {
        folders: ['a', 'b', 'c'],
        edges: [
          { from: 'a', to: 'b', imports: ["src/a/x.ts:1 -> '../b/y'"] },
          { from: 'b', to: 'c', imports: ["src/b/y.ts:1 -> '../c/z'"] },
          { from: 'c', to: 'a', imports: ["src/c/z.ts:1 -> '../a/w'"] },
        ],
      },
    ]);
    expect(formatCycles(cycles)).toContain("cycle {a, b, c}: c -> a: src/c/z.ts:1 -> '../a/w'");
    expect(findFolderCycles(graph.filter((e) => e.from !== 'src/c/z.ts'))).toEqual([]);
  });

  it('reports infra importing a feature, but not config or generated', () => {
    const graph = [
      edge('src/infra/q/x.ts', 'src/runs/y.ts'),
      edge('src/infra/q/x.ts', 'src/config/env.ts'),
      edge('src/infra/q/x.ts', 'src/generated/prisma/client.ts'),
      edge('src/infra/q/x.ts', 'src/infra/redis/redis.module.ts'),
    ];
    expect(infraViolations(graph)).toEqual([
      "infra imports feature 'runs': src/infra/q/x.ts:1 -> 'src/runs/y.ts'",
    ]);
  });

  it('reports the pure core importing a framework', () => {
    const graph = [
      edge('src/llm/openai/p.ts', null, '@nestjs/common'),
      edge('src/capture/recording/r.ts', null, 'ioredis'),
      edge('src/detection/m.ts', 'src/generated/prisma/client.ts'),
      edge('src/scoring/s.ts', null, 'bullmq'),
      edge('src/scoring/s.ts', null, 'zod'),
      edge('src/capture/threads/t.ts', null, '@nestjs/common'),
    ];
    expect(pureCoreViolations(graph)).toHaveLength(4);
  });

  it('reports Prisma outside repositories and stale allow-list entries', () => {
    const service = 'src/infra/prisma/prisma.service.ts';
    const graph = [
      edge('src/runs/run.repository.ts', service),
      edge('src/runs/runs.module.ts', service),
      edge('src/infra/prisma/prisma.service.ts', null, '@prisma/adapter-pg'),
      edge('src/runs/run.service.ts', service),
      edge('src/usage/usage-budget.ts', 'src/generated/prisma/client.ts'),
      edge('src/ok/allowed.ts', service),
    ];
    const allow = new Map([
      ['src/ok/allowed.ts', 'why'],
      ['src/gone/old.ts', 'why'],
    ]);
    expect(prismaViolations(graph, allow)).toEqual([
      `Prisma outside a repository: src/runs/run.service.ts:1 -> '${service}'`,
      "Prisma outside a repository: src/usage/usage-budget.ts:1 -> 'src/generated/prisma/client.ts'",
      'allow-list entry no longer imports Prisma (remove it): src/gone/old.ts',
    ]);
  });
});
