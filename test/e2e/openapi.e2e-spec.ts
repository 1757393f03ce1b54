import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderOpenApi } from '../../scripts/write-openapi';
import {
  HTTP_METHODS,
  OpenApiContract,
  undocumentedSuccess,
  type OpenApiDoc,
} from '../support/openapi-contract';

const HOW_TO_DOCUMENT =
  "Document the success body of every route: write a zod schema `xxxResponseSchema` in the feature's " +
  '`dto/` folder (z.strictObject, every field; build blocks in src/infra/http/response-schemas.ts) and ' +
  'decorate the handler with `@ApiOkResponse({ schema: openApiSchema(xxxResponseSchema) })` ' +
  '(`@ApiCreatedResponse` for 201, `@ApiAcceptedResponse` for 202, `@ApiNoContentResponse` for 204; ' +
  '`@ApiCsvFormat(schema)` for JSON+CSV routes; `content: sseContent` for SSE), from @nestjs/swagger and ' +
  'src/infra/http/openapi-schema.ts. Then run `npm run openapi` and `npm run client`.';

describe('openapi.json', () => {
  let rendered: OpenApiDoc;
  beforeAll(async () => {
    rendered = JSON.parse(await renderOpenApi()) as OpenApiDoc;
  });

  it('matches the running API (run `npm run openapi` after changing a route)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../openapi.json'), 'utf8');
    expect(rendered).toEqual(JSON.parse(committed));
  });

  it('documents the success response of every operation', () => {
    const missing: string[] = [];
    let operations = 0;
    for (const [p, item] of Object.entries(rendered.paths)) {
      if (p.startsWith('/docs')) continue;
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        operations++;
        for (const problem of undocumentedSuccess(op)) {
          missing.push(`${method.toUpperCase()} ${p}: ${problem}`);
        }
      }
    }
    expect(operations).toBeGreaterThan(40);
    if (missing.length) throw new Error(`${missing.join('\n')}\n\n${HOW_TO_DOCUMENT}`);
  });

  it('documents the shared error body on every operation', () => {
    for (const [p, item] of Object.entries(rendered.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!op) continue;
        expect({
          op: `${method} ${p}`,
          ref: op.responses?.['4XX']?.content?.['application/json']?.schema,
        }).toEqual({
          op: `${method} ${p}`,
          ref: { $ref: '#/components/schemas/ErrorBody' },
        });
      }
    }
  });

  // The validator itself must be able to fail, or every conformance test built on it proves nothing.
  it('rejects a body with a renamed, missing, extra or mistyped field', () => {
    const contract = new OpenApiContract(rendered);
    const project = {
      id: '7b0e4c1e-1f1a-4d55-9e0f-0d7a4c2b9b11',
      name: 'p',
      foldTokens: 150,
      halfLifeMs: 10000,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const check = (body: unknown, status = 200, type = 'application/json') =>
      contract.check('get', '/v1/projects/{id}', status, type, body).errors;
    expect(check(project)).toEqual([]);
    const { name: _name, ...missing } = project;
    expect(check(missing).join()).toMatch(/name/);
    expect(check({ ...missing, title: 'p' }).join()).toMatch(/title|name/);
    expect(check({ ...project, extra: 1 }).join()).toMatch(/additional/);
    expect(check({ ...project, foldTokens: '150' }).join()).toMatch(/foldTokens/);
    expect(check({ ...project, createdAt: 'yesterday' }).join()).toMatch(/createdAt/);
    expect(check(project, 200, 'text/html').join()).toMatch(/content type/);
    expect(check(project, 299).join()).toMatch(/not documented/);
    expect(check({ error: { code: 'not_found', message: 'x' } }, 404)).toEqual([]);
    expect(check({ message: 'x' }, 404).join()).toMatch(/error/);
    // Nullable fields accept null and their type only.
    const run = contract.check('get', '/v1/runs/{id}/tokens', 200, 'application/json', {
      runId: project.id,
      tokenizer: 'o200k_base',
      data: [{ index: 0, text: 'a', charEnd: 1, arrivalMs: null }],
    });
    expect(run.errors.join()).toMatch(/arrivalMs/);
  });
});
