// Keeps the documentation true: every configuration variable the schema accepts is in the README's
// configuration table and in .env.example.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config/app-config';

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const envExample = readFileSync(path.join(root, '.env.example'), 'utf8');

describe('configuration documentation', () => {
  it.each(Object.keys(configSchema.shape))('%s is documented in README.md and .env.example', (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\`\\s*\\|`));
    expect(envExample).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
