import { ConfigError, loadConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(valid);
    expect(c).toMatchObject({
      PORT: 3000,
      ROLE: 'all',
      QUEUE_PREFIX: 'streamrank',
      EGRESS_ALLOW_PRIVATE: false,
      PRICE_TABLE: {},
    });
  });

  it('names every offending variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        PORT: 'abc',
        ROLE: 'boss',
        ENCRYPTION_KEY: 'c2hvcnQ=',
        PRICE_TABLE: '{',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'ROLE', 'ENCRYPTION_KEY', 'PRICE_TABLE']) {
      expect(problems).toContain(name);
    }
    expect(problems).toMatch(/REDIS_URL is required/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...valid, PORT: '' }).PORT).toBe(3000);
  });
});
