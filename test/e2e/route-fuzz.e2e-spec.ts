// Property-based fuzz of every operation in the OpenAPI document: path params, query params, JSON bodies and
// headers are generated from the documented schema, both valid-looking and deliberately broken (including the
// input classes of test/support/random.ts: NUL, lone surrogates, controls, bidi, odd numbers, bad dates), sent with
// an admin key, a read key, a bogus key and no key. Property: never a 5xx, and every error response is JSON
// `{ error: { code, message } }`, and every response matches the document: a documented status and content
// type, and the JSON body valid against the operation's response schema (ajv; errors against ErrorBody).
// The route list comes from buildOpenApiDocument, so new routes are fuzzed
// automatically. Seeds are fixed (one per route, derived from SEED and the route) so CI is deterministic; a
// failure prints the route's seed and counterexample path for `fc.check(..., { seed, path })` replay.
import fc from 'fast-check';
import type request from 'supertest';
import { buildOpenApiDocument } from '../../src/bootstrap';
import { OpenApiContract, type OpenApiDoc } from '../support/openapi-contract';
import {
  oddNumberTextArb,
  refusedQueryEncodingArb,
  refusedStringArb,
  unusualTextArb,
} from '../support/random';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const SEED = 20261124;
const RUNS_PER_ROUTE = 200;
/** Long-lived SSE streams (they never end on their own) and the docs UI are not fuzzed. */
const SKIPPED = new Set(['/v1/runs/{id}/events', '/v1/projects/{projectId}/events']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: Method;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

interface FuzzRequest {
  url: string;
  auth: 'admin' | 'read' | 'bogus' | 'none';
  headers: Record<string, string>;
  body?: { raw: string; contentType: string };
}

/** Hash a route name into a 31-bit offset so each route has its own stable seed. */
function routeSeed(route: string): number {
  let h = 0;
  for (const ch of route) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return (SEED ^ h) >>> 0;
}

const LONG = 'x'.repeat(3000);
/** Marks a query value to be sent as written, not percent-encoded again. */
const RAW = '\u0001raw:';
const HUGE = 'y'.repeat(100_000);

/** Strings that tend to break parsers, SQL, URL decoding or Unicode handling. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    "'; DROP TABLE project; --",
    '\u0000',
    'a\u0000b',
    '%00',
    '../../etc/passwd',
    '😀🎉',
    'ℌ𝔢𝔩𝔩𝔬',
    '\ud800',
    'Ä'.repeat(300),
    LONG,
  ),
  // The classes the input rules refuse (NUL, lone surrogates, controls, bidi) and valid but unusual text.
  refusedStringArb,
  unusualTextArb,
);

/** Any JSON value, including deep nesting and prototype-ish keys. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, '', HUGE, [], {}),
  nastyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(nastyString, { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}') as unknown),
  fc.nat({ max: 300 }).map((depth) => {
    let v: unknown = 'deep';
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
);

describe('route fuzz', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  /** Seeded ids by resource kind (`project`, `brand`, ...), so valid-looking inputs can name real rows. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', API_RATE_LIMIT_PER_MINUTE: '0' });
    ws = await createWorkspace(t);
    const http = t.http;
    const project = await http().post('/v1/projects').set(ws.auth()).send({ name: 'fuzz' }).expect(201);
    const brand = await http()
      .post(`/v1/projects/${project.body.id}/brands`)
      .set(ws.auth())
      .send({ name: 'Acme', kind: 'own' })
      .expect(201);
    const engine = await http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({ name: 'demo', provider: 'demo', model: 'demo' })
      .expect(201);
    const prompt = await http()
      .post(`/v1/projects/${project.body.id}/prompts`)
      .set(ws.auth())
      .send({ text: 'best crm?', engineIds: [engine.body.id], cron: '0 9 * * *' })
      .expect(201);
    const run = await http().post(`/v1/prompts/${prompt.body.id}/run`).set(ws.auth()).send({}).expect(202);
    const key = await http()
      .post('/v1/api-keys')
      .set(ws.auth())
      .send({ name: 'x', role: 'read' })
      .expect(201);
    const backfills = await http()
      .get(`/v1/projects/${project.body.id}/backfills`)
      .set(ws.auth())
      .expect(200);
    const webhook = await http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url: 'https://93.184.215.14/hook', events: ['run.completed'] })
      .expect(201);
    const alertRule = await http()
      .post(`/v1/projects/${project.body.id}/alert-rules`)
      .set(ws.auth())
      .send({ name: 'cited', kind: 'first_own_domain_citation', params: {} })
      .expect(201);
    Object.assign(ids, {
      project: project.body.id,
      brand: brand.body.id,
      engine: engine.body.id,
      prompt: prompt.body.id,
      run: run.body.runIds[0],
      apiKey: key.body.id,
      backfill: backfills.body.data[0].id,
      webhook: webhook.body.id,
      alertRule: alertRule.body.id,
    });
  });

  afterAll(() => t.close());

  /** Operations from the live document; mutations last (DELETE /projects last of all) so real ids live long. */
  function operations(): Operation[] {
    const doc = buildOpenApiDocument(t.app);
    const ops: Operation[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (SKIPPED.has(path) || path.startsWith('/docs')) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
          ?.content?.['application/json']?.schema;
        ops.push({
          method,
          path,
          parameters: (op.parameters ?? []) as Parameter[],
          ...(body ? { body } : {}),
        });
      }
    }
    const rank = (o: Operation) => (o.method === 'delete' ? (o.path === '/v1/projects/{id}' ? 2 : 1) : 0);
    return ops.sort((a, b) => rank(a) - rank(b));
  }

  /** A uuid: mostly the seeded id of the right kind (when known), else another kind's id or a random one. */
  const uuidArb = (kind?: string) =>
    fc.oneof(
      { weight: kind && ids[kind] ? 6 : 0, arbitrary: fc.constant(ids[kind ?? ''] ?? '') },
      { weight: 1, arbitrary: fc.constantFrom(...Object.values(ids)) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom(...Object.values(ids)).map((id) => id.toUpperCase()) },
      { weight: 1, arbitrary: fc.constant('00000000-0000-0000-0000-000000000000') },
    );

  /** A value that satisfies (or nearly satisfies) the documented schema. */
  function valid(schema: Schema | undefined, name = ''): fc.Arbitrary<unknown> {
    if (!schema) return junk;
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((s) => valid(s, name)));
    if (schema.allOf?.length) return valid(schema.allOf[0], name);
    const type = (Array.isArray(schema.type) ? schema.type[0] : schema.type) ?? 'any';
    switch (type) {
      case 'object': {
        const props = schema.properties ?? {};
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, s] of Object.entries(props)) model[k] = valid(s, k);
        return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      }
      case 'array':
        return fc.array(valid(schema.items, name), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
        });
      case 'integer': {
        const min = Math.max(schema.minimum ?? -1000, -(2 ** 31));
        const max = Math.min(schema.maximum ?? 1000, 2 ** 31 - 1);
        return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
      }
      case 'number':
        return fc.double({
          min: schema.minimum ?? -1000,
          max: schema.maximum ?? 1000,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'string': {
        if (schema.format === 'uuid') return uuidArb(kindOf(name));
        if (schema.format === 'uri' || name === 'url')
        // Literal IPs only: a hostname would make the egress check wait on DNS.
        {
          return fc.constantFrom(
            'https://93.184.215.14/hook',
            'http://127.0.0.1/x',
            'https://[::1]/',
            'ftp://1.2.3.4',
          );
        }
        if (schema.format === 'date-time') {
          return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        }
        if (name === 'cron') return fc.constantFrom('0 9 * * *', '*/5 * * * *', '61 * * * *', 'nonsense');
        if (name === 'timezone') return fc.constantFrom('UTC', 'Europe/Paris', 'Mars/Olympus');
        // Every string field sometimes holds a refused character or unusual text (issue 23: a NUL in any
        // stored name was a 500 that plain generated strings never hit).
        return fc.oneof(
          {
            weight: 6,
            arbitrary: fc.string({
              minLength: schema.minLength ?? 0,
              maxLength: Math.min(schema.maxLength ?? 20, 20),
            }),
          },
          { weight: 1, arbitrary: refusedStringArb },
          { weight: 1, arbitrary: unusualTextArb },
        );
      }
      default:
        return junk;
    }
  }

  /** A valid body broken in one way: a field dropped, retyped, or an extra field added. */
  function mutated(schema: Schema): fc.Arbitrary<unknown> {
    return fc
      .tuple(
        valid(schema),
        fc.constantFrom('drop', 'retype', 'extra', 'nullify'),
        fc.nat(),
        junk,
        nastyString,
      )
      .map(([value, how, pick, bad, extraKey]) => {
        if (!value || typeof value !== 'object' || Array.isArray(value)) return bad;
        const obj = { ...(value as Record<string, unknown>) };
        const keys = Object.keys(schema.properties ?? {});
        const key = keys.length ? keys[pick % keys.length]! : extraKey;
        if (how === 'drop') delete obj[key];
        else if (how === 'retype') obj[key] = bad;
        else if (how === 'nullify') obj[key] = null;
        else obj[extraKey || 'extra'] = bad;
        return obj;
      });
  }

  function bodyArb(op: Operation): fc.Arbitrary<FuzzRequest['body']> {
    const json = (v: fc.Arbitrary<unknown>) =>
      v.map((value) => ({ raw: JSON.stringify(value) ?? 'null', contentType: 'application/json' }));
    const schema = op.body ?? { type: 'object' };
    const raw = fc.record({
      raw: fc.oneof(
        nastyString,
        fc.constantFrom(
          '{',
          '{"a":',
          '[1,2',
          'null',
          '"str"',
          '42',
          'name=x&role=admin',
          '{"a":1}'.repeat(3),
        ),
      ),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/xml',
      ),
    });
    // A valid body whose first number is replaced by one JSON can carry but a double cannot (1e400, 2^53+1).
    const oddNumber = fc
      .tuple(json(valid(schema)), oddNumberTextArb)
      .map(([b, n]) => ({ ...b, raw: b.raw.replace(/(:\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/, `$1${n}`) }));
    const withBody = fc.oneof(
      { weight: 3, arbitrary: json(valid(schema)) },
      { weight: 1, arbitrary: oddNumber },
      { weight: 4, arbitrary: json(mutated(schema)) },
      { weight: 2, arbitrary: json(junk) },
      { weight: 1, arbitrary: raw },
    );
    if (op.method === 'post' || op.method === 'patch' || op.method === 'put') {
      return fc.oneof({ weight: 9, arbitrary: withBody }, { weight: 1, arbitrary: fc.constant(undefined) });
    }
    return fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: withBody });
  }

  /** A path segment; the constant ones are sent unencoded (malformed percent-encoding, dot segments). */
  const pathParamArb = (kind: string | undefined) =>
    fc.oneof(
      { weight: 6, arbitrary: uuidArb(kind) },
      {
        weight: 3,
        arbitrary: nastyString.map((s) => (s === '' ? 'empty' : encodeURIComponent(toWellFormed(s)))),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', '%2F', '%00', '%uD800'),
      },
    );

  /** Values for one query parameter: mostly plausible for its name and schema, sometimes garbage. */
  function queryValueArb(p: Parameter): fc.Arbitrary<string[]> {
    const s = p.schema ?? {};
    const kind = kindOf(p.name);
    const plausible: fc.Arbitrary<string>[] = [];
    const garbage: fc.Arbitrary<string>[] = [
      nastyString.map(toWellFormed),
      // Sent as written: %00, bytes that are not UTF-8 (%FF, %ED%A0%80), malformed escapes.
      refusedQueryEncodingArb.map((v) => `${RAW}${v}`),
    ];
    if (s.enum) plausible.push(fc.constantFrom(...s.enum.map(String)));
    if (/Ids?$/.test(p.name)) {
      plausible.push(
        uuidArb(kind),
        fc.array(uuidArb(kind), { minLength: 1, maxLength: 4 }).map((a) => a.join(',')),
      );
    }
    if (p.name === 'tags') plausible.push(fc.constantFrom('a', 'a,b', ',,,', 'x'.repeat(100)));
    if (p.name === 'bucket') plausible.push(fc.constantFrom('day', 'week', 'hour', 'month'));
    if (p.name === 'groupBy') {
      plausible.push(
        fc.constantFrom('engine', 'prompt,tag', 'brand,week', 'day,week', 'engine,engine', 'colour'),
      );
    }
    if (p.name === 'from' || p.name === 'to') {
      const near = fc.date({
        min: new Date('2025-06-01T00:00:00Z'),
        max: new Date('2027-06-01T00:00:00Z'),
        noInvalidDate: true,
      });
      plausible.push(
        near.map((d) => d.toISOString()),
        near.map((d) => d.toISOString().replace('Z', '+14:00')),
      );
      garbage.push(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom(
          '2024-13-45',
          '275760-09-13T00:00:00Z',
          '-000001-01-01T00:00:00Z',
          '0000-01-01',
          '0000-01-01T00:00:00Z',
          '1999-12-31T23:59:59Z',
          '1',
        ),
      );
    }
    if (p.name === 'limit' || p.name === 'days') {
      plausible.push(fc.integer({ min: 1, max: 200 }).map(String));
      garbage.push(
        fc.integer().map(String),
        fc.constantFrom('0', '-1', '1.5', '1e9', '99999999999999999999', '0x10', ' 5', 'Infinity'),
      );
    }
    if (p.name === 'cursor') {
      garbage.push(
        fc.string({ maxLength: 40 }).map((x) => Buffer.from(x).toString('base64url')),
        fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      );
    }
    const one = plausible.length
      ? fc.oneof(
          { weight: 3, arbitrary: fc.oneof(...plausible) },
          { weight: 1, arbitrary: fc.oneof(...garbage) },
        )
      : fc.oneof(...garbage);
    // Repeated keys make Express hand the controller an array instead of a string.
    return fc.oneof(
      { weight: 6, arbitrary: one.map((v) => [v]) },
      { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) },
    );
  }

  function queryArb(op: Operation): fc.Arbitrary<string> {
    const declared = op.parameters.filter((p) => p.in === 'query');
    const model: Record<string, fc.Arbitrary<string[]>> = {};
    // Optional parameters are left out more often than not, so some requests get past validation.
    for (const p of declared) {
      model[p.name] = p.required
        ? queryValueArb(p)
        : fc.oneof(
            { weight: 2, arbitrary: fc.constant<string[]>([]) },
            { weight: 1, arbitrary: queryValueArb(p) },
          );
    }
    const unknownArb = fc.array(
      fc.tuple(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.constantFrom('a[b]', 'x[]', '__proto__', 'format[0]'),
        ),
        nastyString.map(toWellFormed),
      ),
      { maxLength: 3 },
    );
    // Unknown parameters make strict query schemas answer 400 before anything else runs: only sometimes.
    const rarely = fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as [string, string][]) },
      { weight: 1, arbitrary: unknownArb },
    );
    const required = declared.filter((p) => p.required).map((p) => p.name);
    const requiredKeys = fc.oneof(
      { weight: 4, arbitrary: fc.constant(required) },
      { weight: 1, arbitrary: fc.constant<string[]>([]) },
    );
    // A short window far outside 2000..2100 (both ends: a lone odd `from` fails the 400-day check first).
    const hasWindow = declared.some((p) => p.name === 'from') && declared.some((p) => p.name === 'to');
    const oddWindow: fc.Arbitrary<[string, string] | null> = hasWindow
      ? fc.oneof(
          { weight: 12, arbitrary: fc.constant(null) },
          {
            weight: 1,
            arbitrary: fc.constantFrom<[string, string]>(
              ['0000-01-01T00:00:00Z', '0000-02-01T00:00:00Z'],
              ['-000001-01-01T00:00:00Z', '-000001-01-20T00:00:00Z'],
              ['275760-08-01T00:00:00Z', '275760-09-13T00:00:00Z'],
              ['1969-12-01T00:00:00Z', '1970-01-01T00:00:00Z'],
              ['2099-12-20T00:00:00Z', '2100-01-10T00:00:00Z'],
            ),
          },
        )
      : fc.constant(null);
    return fc
      .tuple(
        requiredKeys.chain((keys) => fc.record(model, { requiredKeys: keys })),
        rarely,
        oddWindow,
      )
      .map(([record, unknown, window]) => {
        const known: Record<string, string[]> = { ...record };
        if (hasWindow && window !== null) {
          known.from = [window[0]];
          known.to = [window[1]];
        }
        const pairs: string[] = [];
        for (const [k, vs] of Object.entries(known)) {
          for (const v of vs) {
            pairs.push(
              `${encodeURIComponent(k)}=${v.startsWith(RAW) ? v.slice(RAW.length) : encodeURIComponent(v)}`,
            );
          }
        }
        for (const [k, v] of unknown) {
          pairs.push(`${encodeURIComponent(toWellFormed(k))}=${encodeURIComponent(v)}`);
        }
        return pairs.length ? `?${pairs.join('&')}` : '';
      });
  }

  const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constant('k'.repeat(1000)), fc.uuid());

  function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
    const pathNames = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    return fc
      .record({
        params: fc.tuple(...pathNames.map((name) => pathParamArb(kindOf(name, op.path)))),
        query: queryArb(op),
        auth: fc.constantFrom<FuzzRequest['auth']>('admin', 'admin', 'admin', 'read', 'bogus', 'none'),
        accept: fc.option(
          fc.constantFrom(
            'text/csv',
            'application/json',
            '*/*',
            'text/html',
            'garbage',
            'text/csv;q=0.1, application/json',
            '',
          ),
        ),
        idempotencyKey: fc.option(headerValue),
        extraHeader: fc.option(
          fc.tuple(fc.constantFrom('X-Forwarded-For', 'Last-Event-ID', 'If-None-Match'), headerValue),
        ),
        body: bodyArb(op),
      })
      .map(({ params, query, auth, accept, idempotencyKey, extraHeader, body }) => {
        let i = 0;
        const url = op.path.replace(/\{[^}]+\}/g, () => params[i++] as string) + query;
        const headers: Record<string, string> = {};
        if (accept !== null) headers.Accept = accept;
        if (idempotencyKey !== null) headers['Idempotency-Key'] = idempotencyKey;
        if (extraHeader !== null) headers[extraHeader[0]] = extraHeader[1];
        return { url, auth, headers, ...(body ? { body } : {}) };
      });
  }

  async function send(op: Operation, req: FuzzRequest): Promise<request.Response> {
    let r = t.http()[op.method](req.url);
    if (req.auth === 'admin' || req.auth === 'read') r = r.set(ws.auth(req.auth));
    if (req.auth === 'bogus') r = r.set('Authorization', 'Bearer sr_live_not_a_real_key');
    for (const [k, v] of Object.entries(req.headers)) r = r.set(k, v);
    if (req.body) r = r.set('Content-Type', req.body.contentType).send(req.body.raw);
    return r;
  }

  it('no operation answers 5xx or a non-JSON error, whatever the input', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    const contract = new OpenApiContract(buildOpenApiDocument(t.app) as unknown as OpenApiDoc);
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    for (const op of ops) {
      const route = `${op.method.toUpperCase()} ${op.path}`;
      const seed = routeSeed(route);
      const result = await fc.check(
        fc.asyncProperty(requestArb(op), async (req) => {
          const res = await send(op, req);
          const where = `${res.status} for ${JSON.stringify({ ...req, body: req.body && { ...req.body, raw: req.body.raw.slice(0, 300) } }).slice(0, 1500)}`;
          if (res.status >= 500) throw new Error(`5xx: ${where}: ${res.text.slice(0, 300)}`);
          if (res.status >= 400) {
            if (!/^application\/json/.test(String(res.headers['content-type']))) {
              throw new Error(`non-JSON error: ${where}: ${res.headers['content-type']}`);
            }
            const err = (JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } }).error;
            if (typeof err?.code !== 'string' || typeof err.message !== 'string') {
              throw new Error(`malformed error body: ${where}: ${res.text.slice(0, 300)}`);
            }
          }
          const json = /^application\/json/.test(String(res.headers['content-type']));
          const { errors } = contract.check(
            op.method,
            op.path,
            res.status,
            res.headers['content-type'],
            json ? res.body : res.text,
            res.text,
          );
          if (errors.length) {
            throw new Error(`response does not match the spec: ${where}:\n${errors.slice(0, 5).join('\n')}`);
          }
          const family = `${String(res.status)[0]}xx`;
          statuses.set(family, (statuses.get(family) ?? 0) + 1);
        }),
        { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      if (result.failed) {
        failures.push(
          `${route} (seed ${seed}, path ${result.counterexamplePath}): ${String((result.errorInstance as Error)?.message ?? result.errorInstance)}`,
        );
      }
    }
    if (failures.length) console.error(`route fuzz failures (base seed ${SEED}):\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
    // Enough requests got past validation for the success schemas to have been exercised.
    expect(statuses.get('2xx') ?? 0).toBeGreaterThan(ops.length * 10);
  }, 900_000); // about 300 s on a quiet 2-core machine; generous, as other suites may share it
});

/** Lone surrogates cannot be percent-encoded; replace them so the request itself is well-formed. */
function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
    const code = c.charCodeAt(0);
    if (code < 0xdc00 && i + 1 < all.length && /[\udc00-\udfff]/.test(all[i + 1]!)) return c;
    if (code >= 0xdc00 && i > 0 && /[\ud800-\udbff]/.test(all[i - 1]!)) return c;
    return '\ufffd';
  });
}

/** The resource kind a parameter names: `projectId`/`engineIds` by name, `{id}` by the collection before it. */
function kindOf(name: string, path = ''): string | undefined {
  const byName = /^(project|brand|engine|prompt|run|webhook|backfill)Ids?$/.exec(name);
  if (byName) return byName[1];
  if (name !== 'id') return undefined;
  const collection = /\/([a-z-]+)\/\{id\}/.exec(path)?.[1];
  const kinds: Record<string, string> = {
    projects: 'project',
    brands: 'brand',
    engines: 'engine',
    prompts: 'prompt',
    runs: 'run',
    'api-keys': 'apiKey',
    webhooks: 'webhook',
    backfills: 'backfill',
    'alert-rules': 'alertRule',
  };
  return collection ? kinds[collection] : undefined;
}
