import { type IncomingHttpHeaders } from 'node:http';
import { type Response as ExpressResponse } from 'express';

// Express ↔ web-standard Request/Response for the SDK's fetch-shaped handler. The JSON body was already
// parsed by the API's body parser (its size limit and UTF-8 checks apply), so the request is rebuilt
// without a body and the parsed value is handed to the handler as `parsedBody`.

/** Headers that describe the original body or connection, not the rebuilt request. */
const DROPPED = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'host',
]);

export function fetchHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** A body-less web Request for the same method, URL and headers (the body travels as `parsedBody`). */
export function fetchRequest(
  req: { method: string; originalUrl: string; headers: IncomingHttpHeaders },
  signal: AbortSignal,
): Request {
  return new Request(new URL(req.originalUrl, 'http://streamrank.local'), {
    method: req.method,
    headers: fetchHeaders(req.headers),
    signal,
  });
}

/** Writes a web Response (JSON or an SSE stream) to the Express response. */
export async function sendFetchResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    res.write(chunk);
  }
  res.end();
}
