// The import graph of src/ and the boundary rules checked over it by import-boundaries.spec.ts. Pure: the
// checkers take plain edges, so the spec can also feed them a synthetic graph and prove they can fail.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import of one file, as written and as resolved. */
export interface ImportEdge {
  /** Repository-relative path of the importing file (`src/runs/x.ts`). */
  from: string;
  /** The module specifier as written (`../infra/prisma/prisma.service`, `@nestjs/common`). */
  specifier: string;
  /** Repository-relative path of the imported file for a relative specifier; null for a package. */
  target: string | null;
  line: number;
}

export interface RawImport {
  specifier: string;
  line: number;
}

/** Every module specifier of a file: static imports, `export ... from`, `import x = require()`,
 * dynamic `import()`, `require()` and type-position `import('...')`. */
export function parseImports(fileName: string, text: string): RawImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: RawImport[] = [];
  const add = (node: ts.Node, literal: ts.Node | undefined): void => {
    if (literal && ts.isStringLiteralLike(literal)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ specifier: literal.text, line: line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isDynamicImport || isRequire) add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Resolves a relative specifier the way the compiler does here (CommonJS, node10): file, then index. */
export function resolveRelative(from: string, specifier: string, exists: (p: string) => boolean): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [`${base}.ts`, `${base}/index.ts`, base];
  return candidates.find(exists) ?? `${base}.ts`;
}

const isSpec = (name: string): boolean => /\.(spec|e2e-spec|int-spec)\.ts$/.test(name);

/** The non-spec `.ts` files under `src/` (without the generated Prisma client), repository-relative. */
export function listSourceFiles(repoRoot: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (rel !== 'src/generated') walk(rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isSpec(entry.name)) {
        files.push(rel);
      }
    }
  };
  walk('src');
  return files.sort();
}

export function collectImports(repoRoot: string): ImportEdge[] {
  const exists = (p: string): boolean =>
    fs.statSync(path.join(repoRoot, p), { throwIfNoEntry: false })?.isFile() ?? false;
  return listSourceFiles(repoRoot).flatMap((from) =>
    parseImports(from, fs.readFileSync(path.join(repoRoot, from), 'utf8')).map(({ specifier, line }) => ({
      from,
      specifier,
      target: specifier.startsWith('.') ? toPosix(resolveRelative(from, specifier, exists)) : null,
      line,
    })),
  );
}

/** The top-level folder of src/ a path lies in (`src/runs/api/x.ts` -> `runs`); null for files at src/'s root
 * (main.ts, app.module.ts: the composition roots import everything) and for paths outside src/. */
export function folderOf(file: string | null): string | null {
  const parts = file?.split('/') ?? [];
  return parts.length > 2 && parts[0] === 'src' ? (parts[1] ?? null) : null;
}

const where = (e: ImportEdge): string => `${e.from}:${e.line} -> '${e.specifier}'`;

export interface FolderCycle {
  folders: string[];
  /** `a -> b` with the imports that make the edge, one line each. */
  edges: { from: string; to: string; imports: string[] }[];
}

/** Cycles between top-level folders: the strongly connected components (Tarjan) of the folder graph with
 * more than one folder, each with every edge inside it and the imports behind that edge. */
export function findFolderCycles(edges: readonly ImportEdge[]): FolderCycle[] {
  const graph = new Map<string, Map<string, ImportEdge[]>>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.target);
    if (a === null || b === null || a === b) continue;
    const out = graph.get(a) ?? new Map<string, ImportEdge[]>();
    graph.set(a, out);
    out.set(b, [...(out.get(b) ?? []), e]);
    if (!graph.has(b)) graph.set(b, new Map());
  }

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!.keys()) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);

  return components
    .filter((c) => c.length > 1)
    .map((c) => {
      const members = new Set(c);
      const inner = [...members].sort().flatMap((from) =>
        [...graph.get(from)!.entries()]
          .filter(([to]) => members.has(to))
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([to, imports]) => ({ from, to, imports: imports.map(where) })),
      );
      return { folders: [...members].sort(), edges: inner };
    })
    .sort((x, y) => x.folders.join().localeCompare(y.folders.join()));
}

export function formatCycles(cycles: readonly FolderCycle[]): string[] {
  return cycles.flatMap((c) =>
    c.edges.flatMap((e) =>
      e.imports.map((i) => `cycle {${c.folders.join(', ')}}: ${e.from} -> ${e.to}: ${i}`),
    ),
  );
}

/** Folders of src/ that are not features: infra may import these. */
export const NOT_FEATURES: ReadonlySet<string> = new Set(['infra', 'config', 'generated']);

/** (b) `src/infra/` imports no feature folder. */
export function infraViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => folderOf(e.from) === 'infra')
    .filter((e) => {
      const to = folderOf(e.target);
      return to !== null && !NOT_FEATURES.has(to);
    })
    .map((e) => `infra imports feature '${folderOf(e.target)}': ${where(e)}`);
}

/** The pure core: framework-free, testable without Nest, Postgres or Redis. */
export const PURE_FOLDERS = ['src/detection/', 'src/scoring/', 'src/llm/', 'src/capture/recording/'] as const;
const FRAMEWORK_PACKAGE = /^(@nestjs\/|@prisma\/|ioredis$|ioredis\/|bullmq$|bullmq\/)/;

/** (c) The pure core imports no Nest, Prisma (package or generated client), Redis or BullMQ. */
export function pureCoreViolations(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => PURE_FOLDERS.some((f) => e.from.startsWith(f)))
    .filter((e) =>
      e.target === null ? FRAMEWORK_PACKAGE.test(e.specifier) : e.target.startsWith('src/generated/'),
    )
    .map((e) => `pure core imports a framework: ${where(e)}`);
}

const PRISMA_SERVICE = 'src/infra/prisma/prisma.service.ts';

function importsPrisma(e: ImportEdge): boolean {
  if (e.target === null) return e.specifier.startsWith('@prisma/');
  return e.target === PRISMA_SERVICE || e.target.startsWith('src/generated/prisma/');
}

function prismaAllowedByRole(file: string): boolean {
  return (
    file.endsWith('.repository.ts') || file.endsWith('.module.ts') || file.startsWith('src/infra/prisma/')
  );
}

/** (d) Prisma (the package, the generated client or PrismaService) only in repositories, module files, the
 * Prisma infrastructure itself (`src/infra/prisma/`) and the files of `allowList`. Also reports allow-list
 * entries that no longer import Prisma, so the list cannot silently outlive its reasons. */
export function prismaViolations(
  edges: readonly ImportEdge[],
  allowList: ReadonlyMap<string, string>,
): string[] {
  const prismaEdges = edges.filter(importsPrisma);
  const offending = prismaEdges
    .filter((e) => !prismaAllowedByRole(e.from) && !allowList.has(e.from))
    .map((e) => `Prisma outside a repository: ${where(e)}`);
  const users = new Set(prismaEdges.map((e) => e.from));
  const stale = [...allowList.keys()]
    .filter((f) => !users.has(f))
    .map((f) => `allow-list entry no longer imports Prisma (remove it): ${f}`);
  return [...offending, ...stale];
}
