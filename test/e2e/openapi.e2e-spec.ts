import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderOpenApi } from '../../scripts/write-openapi';

describe('openapi.json', () => {
  it('matches the running API (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(path.resolve(__dirname, '../../openapi.json'), 'utf8');
    expect(JSON.parse(await renderOpenApi())).toEqual(JSON.parse(committed));
  });
});
