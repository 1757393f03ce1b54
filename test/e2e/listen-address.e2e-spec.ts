// LISTEN_ADDRESS picks the interface the HTTP server binds; unset, it binds every interface as before.
import { type AddressInfo } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { start } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';

async function boundAddress(overrides: Record<string, string>): Promise<string> {
  const config = loadConfig({
    ...process.env,
    SCHEDULER_ENABLED: 'false',
    ROLE: 'api',
    PORT: '0',
    ...overrides,
  });
  const app = (await start(config)) as INestApplication;
  try {
    return (app.getHttpServer() as { address: () => AddressInfo }).address().address;
  } finally {
    await app.close();
  }
}

describe('LISTEN_ADDRESS', () => {
  it('binds only the given address', async () => {
    expect(await boundAddress({ LISTEN_ADDRESS: '127.0.0.1' })).toBe('127.0.0.1');
  });

  it('binds every interface when unset', async () => {
    expect(['::', '0.0.0.0']).toContain(await boundAddress({ LISTEN_ADDRESS: '' }));
  });

  it('refuses a value that is not an address or host name', () => {
    expect(() => loadConfig({ ...process.env, LISTEN_ADDRESS: 'http://0.0.0.0/' })).toThrow(/LISTEN_ADDRESS/);
  });
});
