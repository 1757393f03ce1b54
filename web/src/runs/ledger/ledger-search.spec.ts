import { describe, expect, it } from '@jest/globals';
import { hasFilters, ledgerQuery, parseLedgerSearch, withFilter } from './ledger-search';

const ID = '0b9a6f3e-1111-4222-8333-444455556666';

describe('runs ledger search', () => {
  it('keeps well-formed filters only', () => {
    expect(
      parseLedgerSearch({
        status: 'failed',
        engineId: ID,
        promptId: 'nope',
        mentioned: 'true',
        from: '2026-01-02',
        to: 'x',
      }),
    ).toEqual({ status: 'failed', engineId: ID, from: '2026-01-02' });
    expect(parseLedgerSearch({ brandId: ID, mentioned: 'false', fold: 'above' })).toEqual({
      brandId: ID,
      mentioned: 'false',
      fold: 'above',
    });
    expect(parseLedgerSearch({ status: 'done' })).toEqual({});
  });

  it('resets the page on a filter change and drops brand sub-filters with the brand', () => {
    const s = { brandId: ID, mentioned: 'true', cursor: 'abc' };
    expect(withFilter(s, 'status', 'failed')).toEqual({ brandId: ID, mentioned: 'true', status: 'failed' });
    expect(withFilter(s, 'brandId', '')).toEqual({ brandId: undefined });
    expect(withFilter(s, 'cursor', 'def').cursor).toBe('def');
    expect(hasFilters({ cursor: 'x' })).toBe(false);
    expect(hasFilters({ status: 'queued' })).toBe(true);
  });

  it('turns inclusive UTC days into the API range', () => {
    expect(ledgerQuery('p', { from: '2026-03-01', to: '2026-03-31', status: 'succeeded' }, 10)).toEqual({
      projectId: 'p',
      limit: 10,
      status: 'succeeded',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
  });
});
