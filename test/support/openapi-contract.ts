// Validates real HTTP responses against the OpenAPI document: the documented status (exact, or its `4XX`/`5XX`
// range), the content type, and for JSON the body against the response schema with ajv. OpenAPI 3.0 schemas
// (`nullable`) are turned into JSON Schema first; `$ref`s to components resolve against the document.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type request from 'supertest';

type Json = Record<string, unknown>;

interface MediaType {
  schema?: Json;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
}
export interface OperationObject {
  responses?: Record<string, ResponseObject>;
  parameters?: unknown[];
  requestBody?: unknown;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OperationObject | undefined>>;
  components?: { schemas?: Record<string, Json> };
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** OpenAPI 3.0 schema → JSON Schema (draft 7 as ajv reads it): `nullable: true` becomes a `null` type/enum. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === 'nullable') continue;
    // Property names are data, not schemas: recurse into their values only.
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, toJsonSchema(s)]));
    } else out[k] = toJsonSchema(v);
  }
  if ((schema as Json).nullable === true) {
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.type === undefined && out.enum === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export interface ContractCheck {
  /** Problems found; empty when the response conforms. */
  errors: string[];
  /** The documented response key that matched (`200`, `4XX`, ...), if any. */
  matched?: string;
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; path: string; regex: RegExp }[] = [];

  constructor(readonly doc: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: toJsonSchema(doc.components ?? {}) }, 'openapi');
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS) {
        if (!item[method]) continue;
        const regex = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.templates.push({ method, path, regex });
      }
    }
  }

  /** The documented path template for a concrete request path (`/v1/runs/abc` → `/v1/runs/{id}`). */
  templateOf(method: string, urlPath: string): string | undefined {
    const m = method.toLowerCase();
    const path = urlPath.split('?')[0]!;
    return this.templates.find((t) => t.method === m && t.regex.test(path))?.path;
  }

  operation(method: string, template: string): OperationObject | undefined {
    return this.doc.paths[template]?.[method.toLowerCase()];
  }

  /** Checks one response of `method template` against the document. */
  check(
    method: string,
    template: string,
    status: number,
    contentType: string | undefined,
    body: unknown,
    rawText = '',
  ): ContractCheck {
    const where = `${method.toUpperCase()} ${template} → ${status}`;
    const op = this.operation(method, template);
    if (!op) return { errors: [`${where}: operation not in the OpenAPI document`] };
    const responses = op.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) {
      return {
        errors: [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`],
      };
    }
    const response = responses[key]!;
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      const empty = rawText === '' && (body === undefined || body === '' || isEmptyObject(body));
      return empty
        ? { errors: [], matched: key }
        : { errors: [`${where}: documented without a body, got one`] };
    }
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!content[type]) {
      return {
        errors: [`${where}: content type ${type || '(none)'} not documented (${mediaTypes.join(', ')})`],
        matched: key,
      };
    }
    if (type !== 'application/json') return { errors: [], matched: key };
    const validate = this.validator(`${method} ${template} ${key}`, content[type].schema ?? {});
    if (validate(body)) return { errors: [], matched: key };
    return {
      matched: key,
      errors: (validate.errors ?? []).map(
        (e) => `${where}: body${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      ),
    };
  }

  /** Checks a supertest response; the operation is found from the request's method and path. */
  checkResponse(res: request.Response): ContractCheck {
    const req = (res as unknown as { req: { method: string; path: string } }).req;
    const template = this.templateOf(req.method, req.path);
    if (!template) return { errors: [`${req.method} ${req.path}: no documented operation matches`] };
    const json = /^application\/json/.test(String(res.headers['content-type'] ?? ''));
    return this.check(
      req.method,
      template,
      res.status,
      res.headers['content-type'],
      json ? res.body : res.text,
      res.text ?? '',
    );
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      // Component refs (`#/components/schemas/X`) point into the document registered as `openapi`.
      const converted = JSON.parse(
        JSON.stringify(toJsonSchema(schema)).replace(/"#\/components\//g, '"openapi#/components/'),
      ) as Json;
      v = this.ajv.compile(converted);
      this.validators.set(key, v);
    }
    return v;
  }
}

function isEmptyObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** The 2xx responses of an operation that document no usable success body (for the coverage test). */
export function undocumentedSuccess(op: OperationObject): string[] {
  const problems: string[] = [];
  const success = Object.entries(op.responses ?? {}).filter(([k]) => /^2\d\d$/.test(k));
  if (success.length === 0) return ['no 2xx response documented'];
  for (const [status, r] of success) {
    if (status === '204') continue;
    const content = r.content ?? {};
    if (Object.keys(content).length === 0) {
      problems.push(`${status} has no content (no response schema)`);
      continue;
    }
    const json = content['application/json']?.schema;
    if (json && !describesShape(json)) {
      problems.push(`${status} application/json schema describes no shape: ${JSON.stringify(json)}`);
    }
  }
  return problems;
}

/** A schema that says something: properties, items, a ref, a union, an enum or a scalar type. */
function describesShape(s: Json): boolean {
  if (s.$ref || s.anyOf || s.oneOf || s.allOf || s.enum || s.items) return true;
  if (s.type === 'object') return !!s.properties || !!s.additionalProperties;
  return typeof s.type === 'string';
}
