// The benchmarks' fake provider (a child process): its write times come back on collect(), and a fake that is
// gone fails the collection instead of leaving the benchmark waiting forever.
import { startLoadProvider } from '../../bench/support/bench-env';

describe('startLoadProvider', () => {
  it('returns the write times of ended streams, and rejects collect() once the fake is gone', async () => {
    const provider = await startLoadProvider({ LOAD_RATE: '0', LOAD_MIN_TOKENS: '5', LOAD_MAX_TOKENS: '5' });
    try {
      const res = await fetch(`${provider.baseUrl}/chat/completions`, { method: 'POST', body: '{}' });
      const body = await res.text();
      const id = Number(/"content":"S(\d+) "/.exec(body)?.[1]);
      await provider.collect();
      expect(provider.streams.get(id)).toHaveLength(5);
    } finally {
      await provider.stop();
    }
    await expect(provider.collect()).rejects.toThrow(/load provider exited/);
  });
});
