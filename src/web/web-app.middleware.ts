import { existsSync } from 'node:fs';
import path from 'node:path';
import { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { notBuiltPage } from './not-built-page';

/** Never the web app's: the API, its docs, health checks, MCP (in any case: Express routes ignore case). */
const RESERVED = /^\/(v1|docs|health|mcp)(\/|$)/i;
/** Vite's content-hashed bundles: a changed file gets a new name, so they may be cached for good. */
const HASHED_ASSETS = /^\/assets\//;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function setSecurityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** A navigation (the browser wants a page), not an API-style call: HTML is preferred over JSON. */
function wantsPage(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * Serves the built web app (`dist`) on GET/HEAD outside the reserved prefixes: files as they are (hashed
 * `/assets/*` cached immutably, the rest revalidated), and `index.html` for client routes (`/p/x/overview`)
 * when the request wants a page. Anything else falls through to Nest: `/v1/nope` stays a JSON 404. Whether
 * the app is built is checked per request, so a build made while the server runs is picked up.
 */
export function webAppMiddleware(dist: string): RequestHandler {
  const root = path.resolve(dist);
  const index = path.join(root, 'index.html');

  const sendIndex = (res: Response, next: NextFunction): void => {
    setSecurityHeaders(res);
    res.sendFile(
      'index.html',
      { root, index: false, cacheControl: false, headers: { 'Cache-Control': 'no-cache' } },
      (err) => {
        if (err) giveUp(res, next);
      },
    );
  };

  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) return next();
    const isRoot = req.path === '/' || req.path === '/index.html';
    if (!existsSync(index)) {
      if (!isRoot && !wantsPage(req)) return next();
      setSecurityHeaders(res);
      res.status(503).setHeader('Cache-Control', 'no-store').type('html').send(notBuiltPage());
      return;
    }
    if (isRoot) return sendIndex(res, next);
    const file = decodePath(req.path);
    const immutable = HASHED_ASSETS.test(req.path);
    const fallback = (): void => {
      if (res.headersSent) return giveUp(res, next);
      if (!immutable && wantsPage(req)) return sendIndex(res, next);
      next();
    };
    if (file === null) return fallback();
    setSecurityHeaders(res);
    // `send` refuses `..` and NUL and answers 404 for a missing file or a folder: all of them fall back to the
    // app page for navigations, else to Nest's JSON 404 (a missing hashed asset never gets the page).
    res.sendFile(
      file,
      {
        root,
        index: false,
        dotfiles: 'deny',
        cacheControl: false,
        headers: { 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' },
      },
      (err) => {
        if (err) fallback();
      },
    );
  };
}

/** The request path decoded (sendFile encodes it again); null when its percent-encoding is malformed. */
function decodePath(p: string): string | null {
  try {
    return decodeURIComponent(p);
  } catch {
    return null;
  }
}

/** The file could not be sent: end quietly once headers went out (client hung up), else let Nest answer. */
function giveUp(res: Response, next: NextFunction): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  next();
}
