// Bad-input sweep (issue 23): every string field of every write route gets every class of bad string, every
// query parameter of every read route gets every class of bad value, and unusual but valid text is written
// and read back. Properties: 0 responses of 5xx; every bad string is a 400 naming its field; nothing bad is
// stored; valid text is stored exactly as sent. The counts are printed. The string fields come from the
// OpenAPI document, so a new field without a base value here fails the coverage check.
import { buildOpenApiDocument } from '../../src/bootstrap';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import {
  BAD_QUERY_CLASSES,
  BAD_STRING_CLASSES,
  OUT_OF_RANGE_DATES,
  VALID_TEXT_CLASSES,
} from '../support/bad-input';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  maxLength?: number;
}
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every string leaf of a schema, as `a.b.[]` paths, with its maxLength. */
function schemaStrings(schema: Schema | undefined, path: string, out: Map<string, number | undefined>) {
  if (!schema) return;
  for (const alt of schema.anyOf ?? schema.oneOf ?? []) schemaStrings(alt, path, out);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) out.set(path, schema.maxLength);
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    schemaStrings(s, path ? `${path}.${k}` : k, out);
  }
  if (types.includes('array')) schemaStrings(schema.items, `${path}.[]`, out);
}

/** Every string leaf of a value: [concrete path, generic path]. */
function valueStrings(v: Json, path: string[] = []): string[][] {
  if (typeof v === 'string') return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => valueStrings(x, [...path, String(i)]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => valueStrings(x, [...path, k]));
  return [];
}
const generic = (path: string[]) => path.map((p) => (/^\d+$/.test(p) ? '[]' : p)).join('.');

function withValue(body: Json, path: string[], value: string): Json {
  const copy = structuredClone(body) as Record<string, Json>;
  let at: Record<string, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, Json>;
  at[path[path.length - 1]!] = value;
  return copy;
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

describe('bad-input sweep', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', API_RATE_LIMIT_PER_MINUTE: '0' });
    ws = await createWorkspace(t);
    const post = async (url: string, body: object) =>
      (await t.http().post(url).set(ws.auth()).send(body).expect(201)).body.id as string;
    ids.project = await post('/v1/projects', { name: 'sweep' });
    ids.brand = await post(`/v1/projects/${ids.project}/brands`, { name: 'Acme', kind: 'own' });
    ids.competitor = await post(`/v1/projects/${ids.project}/brands`, { name: 'Rival', kind: 'competitor' });
    ids.engine = await post('/v1/engines', { name: 'demo', provider: 'demo', model: 'demo' });
    ids.prompt = await post(`/v1/projects/${ids.project}/prompts`, {
      text: 'best crm?',
      engineIds: [ids.engine],
      cron: '0 9 * * *',
    });
    ids.webhook = await post('/v1/webhooks', {
      url: 'https://93.184.215.14/hook',
      events: ['run.completed'],
    });
    ids.alertRule = await post(`/v1/projects/${ids.project}/alert-rules`, {
      name: 'cited',
      kind: 'first_own_domain_citation',
      params: {},
    });
  });

  afterAll(() => t.close());

  /** Valid bodies that hold every string field of each write route (alert rules: one per kind). */
  const bases = (): Record<string, Json[]> => {
    const brand = {
      name: 'Brand',
      kind: 'competitor',
      aliases: [{ text: 'Alias' }],
      exclusions: ['Excl'],
      domains: ['example.com'],
    };
    const engine = {
      name: 'Eng',
      provider: 'openai-compatible',
      model: 'm',
      baseUrl: 'https://93.184.215.14/v1',
      credential: 'secret',
      parameters: { systemPrompt: 'sys', region: 'eu', seed: 's', api: 'chat' },
    };
    const prompt = {
      text: 'which crm?',
      tags: ['t'],
      engineIds: [ids.engine!],
      cron: '0 9 * * *',
      timezone: 'UTC',
    };
    const webhook = { url: 'https://93.184.215.14/hook', events: ['run.completed'], format: 'standard' };
    const exportLink = (report: string, filters: Json) => ({
      name: 'sheet',
      report,
      filters,
      expiresAt: '2099-01-01T00:00:00Z',
    });
    const rule = (kind: string, params: Json) => ({ name: 'r', kind, params });
    const rules = [
      rule('mention_rate_drop', { brandId: ids.brand!, dropPoints: 10 }),
      rule('competitor_overtake', { brandId: ids.brand!, competitorId: ids.competitor! }),
      rule('above_fold_change', { brandId: ids.brand!, thresholdPercent: 10, direction: 'both' }),
      rule('first_own_domain_citation', { brandId: ids.brand! }),
    ];
    return {
      'post /v1/api-keys': [{ name: 'k', role: 'read' }],
      'post /v1/sessions': [{ apiKey: ws.readKey }],
      'post /v1/projects': [{ name: 'p' }],
      'patch /v1/projects/{id}': [{ name: 'p' }],
      'post /v1/projects/{projectId}/brands': [brand],
      'patch /v1/brands/{id}': [{ ...brand, kind: 'own' }],
      'post /v1/projects/{projectId}/brands/explain': [{ text: 'Acme wins', brands: [brand] }],
      'post /v1/engines': [engine],
      'patch /v1/engines/{id}': [{ ...engine, provider: undefined } as unknown as Json],
      'post /v1/engines/test': [engine],
      'post /v1/engines/{id}/test': [{ ...engine, provider: undefined } as unknown as Json],
      'post /v1/projects/{projectId}/prompts': [prompt],
      'patch /v1/prompts/{id}': [prompt],
      'post /v1/prompts/{id}/run': [{ engineIds: [ids.engine!] }],
      'post /v1/webhooks': [webhook],
      'patch /v1/webhooks/{id}': [webhook],
      'post /v1/projects/{projectId}/alert-rules': rules,
      // The preview takes the create body (same schema): the same sweep, and it stores nothing either.
      'post /v1/projects/{projectId}/alert-rules/preview': rules,
      'patch /v1/alert-rules/{id}': [{ name: 'r' }],
      'post /v1/projects/{projectId}/export-links': [
        exportLink('mentions', {
          brandIds: [ids.brand!],
          engineIds: [ids.engine!],
          promptIds: [ids.prompt!],
          tags: ['t'],
          groupBy: ['engine'],
        }),
        exportLink('trend', { bucket: 'week' }),
      ],
    };
  };

  const url = (path: string) =>
    path
      .replace('{projectId}', ids.project!)
      .replace(/\/projects\/\{id\}/, `/projects/${ids.project}`)
      .replace(/\/brands\/\{id\}/, `/brands/${ids.brand}`)
      .replace(/\/engines\/\{id\}/, `/engines/${ids.engine}`)
      .replace(/\/prompts\/\{id\}/, `/prompts/${ids.prompt}`)
      .replace(/\/webhooks\/\{id\}/, `/webhooks/${ids.webhook}`)
      .replace(/\/alert-rules\/\{id\}/, `/alert-rules/${ids.alertRule}`);

  /** Sends raw bytes over real HTTP (invalid UTF-8 cannot go through a JS string). */
  async function sendRaw(
    method: string,
    path: string,
    raw: Buffer,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${t.baseUrl}${url(path)}`, {
      method: method.toUpperCase(),
      headers: { ...ws.auth(), 'Content-Type': 'application/json' },
      body: new Uint8Array(raw),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
  }

  it('answers 400 naming the field for every bad string in every write route, and stores none', async () => {
    const doc = buildOpenApiDocument(t.app);
    const counts = { requests: 0, status5xx: 0, not400: 0, unnamed: 0, fields: 0 };
    const problems: string[] = [];
    const all = bases();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['post', 'patch', 'put'] as const) {
        const op = item[method];
        const schema = (op?.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
          ?.content?.['application/json']?.schema;
        if (!op || !schema) continue;
        const strings = new Map<string, number | undefined>();
        schemaStrings(schema, '', strings);
        if (strings.size === 0) continue;
        const route = `${method} ${path}`;
        const routeBases = all[route];
        if (!routeBases) {
          problems.push(`${route}: no base body in the sweep`);
          continue;
        }
        const covered = new Set(routeBases.flatMap((b) => valueStrings(b).map(generic)));
        for (const field of strings.keys()) {
          if (!covered.has(field)) problems.push(`${route}: string field ${field} has no base value`);
        }
        for (const base of routeBases) {
          for (const leaf of valueStrings(base)) {
            counts.fields++;
            const field = `body.${leaf.join('.')}`;
            const max = strings.get(generic(leaf)) ?? 1000;
            const classes = [...BAD_STRING_CLASSES, { name: 'too long', value: 'x'.repeat(max + 1) }];
            for (const bad of classes) {
              const raw =
                'bytes' in bad
                  ? Buffer.from(
                      JSON.stringify(withValue(base, leaf, '\u0001MARK')).replace(
                        '\\u0001MARK',
                        bad.bytes.toString('latin1'),
                      ),
                      'latin1',
                    )
                  : Buffer.from(JSON.stringify(withValue(base, leaf, bad.value)));
              const res = await sendRaw(method, path, raw);
              counts.requests++;
              const where = `${route} ${field} <- ${bad.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
              if (res.status >= 500) counts.status5xx++;
              if (res.status !== 400) {
                counts.not400++;
                problems.push(where);
                continue;
              }
              const details = (res.body as { error?: { details?: { path: string }[] } }).error?.details ?? [];
              if (!details.some((d) => d.path === field)) {
                counts.unnamed++;
                problems.push(`field not named: ${where}`);
              }
            }
          }
        }
      }
    }
    // Nothing bad reached storage: every readable resource of the workspace is clean.
    let forbiddenStored = 0;
    for (const list of [
      '/v1/projects?limit=200',
      `/v1/projects/${ids.project}/brands?limit=200`,
      '/v1/engines?limit=200',
      `/v1/projects/${ids.project}/prompts?limit=200`,
      '/v1/webhooks?limit=200',
      `/v1/projects/${ids.project}/alert-rules?limit=200`,
      `/v1/projects/${ids.project}/export-links`,
      '/v1/api-keys',
    ]) {
      const res = await t.http().get(list).set(ws.auth()).expect(200);
      const stored = valueStrings(res.body as Json).map((p) =>
        p.reduce<Json>((v, k) => (v as Record<string, Json>)[k]!, res.body as Json),
      );
      forbiddenStored += stored.filter(
        (v) => FORBIDDEN.test(v as string) || (v as string).includes('\ufffd'),
      ).length;
    }
    console.log(`bad-input sweep (write routes): ${JSON.stringify({ ...counts, forbiddenStored })}`);
    expect(problems).toEqual([]);
    expect(counts.status5xx).toBe(0);
    expect(forbiddenStored).toBe(0);
    expect(counts.requests).toBeGreaterThan(300);
  }, 300_000);

  it('answers 4xx, never 5xx, for every bad value of every query parameter of every read route', async () => {
    const doc = buildOpenApiDocument(t.app);
    const counts = { requests: 0, status5xx: 0, bad2xx: 0, parameters: 0 };
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      if (!op || path.endsWith('/events') || path.startsWith('/docs')) continue;
      const params = ((op.parameters ?? []) as { name: string; in: string }[]).filter(
        (p) => p.in === 'query',
      );
      const target = path.replace(/\{[^}]+\}/g, (m) => {
        const name = m.slice(1, -1);
        if (name === 'projectId') return ids.project!;
        const kind = /\/([a-z-]+)\/\{id\}/.exec(path)?.[1] ?? '';
        const byKind: Record<string, string | undefined> = {
          projects: ids.project,
          brands: ids.brand,
          engines: ids.engine,
          prompts: ids.prompt,
          webhooks: ids.webhook,
          'alert-rules': ids.alertRule,
        };
        return byKind[kind] ?? '00000000-0000-0000-0000-000000000000';
      });
      const needsProject = params.some((p) => p.name === 'projectId');
      for (const p of params) {
        counts.parameters++;
        const dates = /^(from|to|observedFrom|observedTo)$/.test(p.name)
          ? OUT_OF_RANGE_DATES.map((d) => ({
              name: `date ${d}`,
              encoded: encodeURIComponent(d),
              mustFail: true,
            }))
          : [];
        for (const bad of [...BAD_QUERY_CLASSES, ...dates]) {
          const base = needsProject && p.name !== 'projectId' ? `projectId=${ids.project}&` : '';
          const res = await t.http().get(`${target}?${base}${p.name}=${bad.encoded}`).set(ws.auth());
          counts.requests++;
          const where = `GET ${path} ${p.name}=${bad.encoded} (${bad.name}): ${res.status} ${res.text.slice(0, 160)}`;
          if (res.status >= 500) {
            counts.status5xx++;
            problems.push(where);
          } else if (bad.mustFail && res.status < 400) {
            counts.bad2xx++;
            problems.push(where);
          }
        }
      }
    }
    console.log(`bad-input sweep (query parameters): ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
    expect(counts.parameters).toBeGreaterThan(20);
  }, 300_000);

  it('stores unusual but valid text exactly as sent', async () => {
    const targets: { write: (v: string) => Promise<void>; read: () => Promise<unknown>; field: string }[] =
      [];
    const patchRead = (
      resource: string,
      body: (v: string) => object,
      pick: (b: Record<string, unknown>) => unknown,
      field: string,
    ) =>
      targets.push({
        field,
        write: async (v) => {
          await t.http().patch(resource).set(ws.auth()).send(body(v)).expect(200);
        },
        read: async () => pick((await t.http().get(resource).set(ws.auth()).expect(200)).body),
      });
    const project = `/v1/projects/${ids.project}`;
    const brand = `/v1/brands/${ids.brand}`;
    const engine = `/v1/engines/${ids.engine}`;
    const prompt = `/v1/prompts/${ids.prompt}`;
    const rule = `/v1/alert-rules/${ids.alertRule}`;
    patchRead(
      project,
      (v) => ({ name: v }),
      (b) => b.name,
      'project name',
    );
    patchRead(
      brand,
      (v) => ({ name: v }),
      (b) => b.name,
      'brand name',
    );
    patchRead(
      brand,
      (v) => ({ aliases: [{ text: v }] }),
      (b) => (b.aliases as { text: string }[])[0]?.text,
      'alias',
    );
    patchRead(
      brand,
      (v) => ({ exclusions: [v] }),
      (b) => (b.exclusions as string[])[0],
      'exclusion',
    );
    patchRead(
      engine,
      (v) => ({ name: v }),
      (b) => b.name,
      'engine name',
    );
    patchRead(
      engine,
      (v) => ({ model: v }),
      (b) => b.model,
      'model',
    );
    patchRead(
      engine,
      (v) => ({ parameters: { systemPrompt: v } }),
      (b) => (b.parameters as Record<string, unknown>).systemPrompt,
      'systemPrompt',
    );
    patchRead(
      engine,
      (v) => ({ parameters: { seed: v } }),
      (b) => (b.parameters as Record<string, unknown>).seed,
      'seed',
    );
    patchRead(
      prompt,
      (v) => ({ text: v }),
      (b) => b.text,
      'prompt text',
    );
    patchRead(
      prompt,
      (v) => ({ tags: [v] }),
      (b) => (b.tags as string[])[0],
      'tag',
    );
    patchRead(
      rule,
      (v) => ({ name: v }),
      (b) => b.name,
      'alert rule name',
    );
    let writes = 0;
    const differ: string[] = [];
    for (const target of targets) {
      for (const good of VALID_TEXT_CLASSES) {
        await target.write(good.value);
        writes++;
        const expected = good.value;
        const stored = await target.read();
        if (JSON.stringify(stored) !== JSON.stringify(expected)) {
          differ.push(
            `${target.field} <- ${good.name}: sent ${JSON.stringify(expected)}, stored ${JSON.stringify(stored)}`,
          );
        }
      }
    }
    console.log(
      `bad-input sweep (valid text round trip): ${JSON.stringify({ writes, storedDiffering: differ.length })}`,
    );
    expect(differ).toEqual([]);
  }, 120_000);
});
