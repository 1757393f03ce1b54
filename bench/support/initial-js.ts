// The JavaScript a first page load of the web app fetches before any dynamic import: the module scripts and
// modulepreload links of web/dist/index.html plus, recursively, every static `import` of those files (Vite
// preloads them anyway). Each file is gzipped on its own (it is transferred on its own) with zlib level 9.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface InitialJs {
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

/** Static import specifiers of an ES module bundle (`import x from"./a.js"`, `import"./b.js"`, `export * from`). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) out.push(m[1]!);
  return out;
}

export function initialJs(distDir: string): InitialJs {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const entries: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g)) {
    entries.push(m[1]!);
  }
  for (const m of html.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g)) {
    entries.push(m[1]!);
  }
  const seen = new Set<string>();
  const queue = entries.map((src) => path.join(distDir, src.replace(/^\//, '')));
  const files: InitialJs['files'] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file);
    files.push({
      file: path.relative(distDir, file),
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
    });
    for (const spec of staticImports(code.toString('utf8'))) {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        queue.push(spec.startsWith('/') ? path.join(distDir, spec) : path.resolve(path.dirname(file), spec));
      }
    }
  }
  if (files.length === 0) throw new Error(`no module script in ${path.join(distDir, 'index.html')}`);
  return {
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
  };
}
