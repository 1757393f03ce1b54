import { PATTERN_SCRUBBER } from '../infra/crypto/secret-scrubber';
import { exportReportQuery } from './export-link-query';
import {
  generateExportToken,
  hashExportToken,
  isWellFormedExportToken,
  tokenOfFile,
} from './export-link-token';

describe('exportReportQuery', () => {
  const now = new Date('2026-12-06T12:00:00.000Z');

  it('is the windowDays × 24 h up to the request, with the stored filters', () => {
    expect(
      exportReportQuery(
        { projectId: 'p', windowDays: 7 },
        { brandIds: ['b'], tags: ['crm'], groupBy: ['engine'], promptRevision: 2 },
        now,
      ),
    ).toEqual({
      projectId: 'p',
      from: '2026-11-29T12:00:00.000Z',
      to: '2026-12-06T12:00:00.000Z',
      bucket: 'day',
      brandIds: ['b'],
      tags: ['crm'],
      groupBy: ['engine'],
      promptRevision: 2,
    });
  });

  it('leaves empty filters out and keeps the trend bucket', () => {
    expect(
      exportReportQuery({ projectId: 'p', windowDays: 1 }, { brandIds: [], bucket: 'week' }, now),
    ).toEqual({
      projectId: 'p',
      from: '2026-12-05T12:00:00.000Z',
      to: '2026-12-06T12:00:00.000Z',
      bucket: 'week',
    });
  });
});

describe('export link tokens', () => {
  it('are sr_exp_ and 256 random bits, shown by a short prefix and stored as SHA-256', () => {
    const a = generateExportToken();
    const b = generateExportToken();
    expect(a.token).toMatch(/^sr_exp_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.prefix).toBe(a.token.slice(0, 13));
    expect(Buffer.from(a.hash)).toEqual(Buffer.from(hashExportToken(a.token)));
    expect(isWellFormedExportToken(a.token)).toBe(true);
    expect(isWellFormedExportToken(`${a.token}x`)).toBe(false);
  });

  it('leave logs as [redacted]: the log scrubber knows the sr_ lead-in', () => {
    const { token } = generateExportToken();
    expect(PATTERN_SCRUBBER.scrub(`GET /v1/export/${token}.csv?header=1`)).toBe(
      'GET /v1/export/[redacted].csv?header=1',
    );
  });

  it('are read from `<token>.csv` only', () => {
    const { token } = generateExportToken();
    expect(tokenOfFile(`${token}.csv`)).toBe(token);
    expect(tokenOfFile(token)).toBeNull();
    expect(tokenOfFile(`${token}.json`)).toBeNull();
    expect(tokenOfFile('x.csv')).toBeNull();
  });
});
