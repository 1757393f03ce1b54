// @hey-api/openapi-ts configuration for the committed TypeScript client (`npm run client`).
// CLIENT_OUT overrides the output folder (the client test regenerates into a temporary one and compares).
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: 'openapi.json',
  output: { path: process.env.CLIENT_OUT ?? 'clients/typescript' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { file: false },
});
