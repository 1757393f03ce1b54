import { z } from 'zod';
import { openApiSchema } from '../src/infra/http/openapi-schema';
const s = z.strictObject({ a: z.string().nullable(), b: z.iso.datetime().nullable(), c: z.record(z.string(), z.number()), d: z.strictObject({x: z.number()}).nullable(), e: z.unknown(), f: z.enum(['a','b']).nullable(), g: z.number().optional() });
console.log(JSON.stringify(openApiSchema(s)));
console.log(JSON.stringify(openApiSchema(z.object({a: z.string()}))));
