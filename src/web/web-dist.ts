import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder of the built web app: WEB_DIST_DIR when set (relative to the working directory), else `web/dist`
 * next to the project's package.json, found by walking up from this file. That works from the TypeScript
 * sources (`src/web/`, `npm run demo`) as from the compiled build (`dist/src/web/`, `/app` in the image).
 */
export function resolveWebDist(override: string | undefined, from: string = __dirname): string {
  if (override) return path.resolve(override);
  return path.join(projectRoot(from), 'web', 'dist');
}

/** The nearest folder at or above `from` holding a package.json; `from` itself when there is none. */
export function projectRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}
