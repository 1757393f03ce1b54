import { type ReportFilter } from './report-filter';
import { runsLink } from './runs-link';

const f: ReportFilter = {
  projectId: '00000000-0000-4000-8000-000000000001',
  from: new Date('2026-01-01T00:00:00Z'),
  to: new Date('2026-01-08T00:00:00Z'),
  brandIds: ['00000000-0000-4000-8000-000000000009'],
  engineIds: [],
  promptIds: ['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'],
  tags: ['pricing'],
};

describe('runsLink', () => {
  it('carries the section, the range on observedAt, the run filters and the conditions, all as strings', () => {
    expect(runsLink(f, false, { brandId: 'b', mentioned: false, fold: 'above' })).toEqual({
      projectId: f.projectId,
      synthetic: 'false',
      observedFrom: '2026-01-01T00:00:00.000Z',
      observedTo: '2026-01-08T00:00:00.000Z',
      promptIds: '00000000-0000-4000-8000-000000000002,00000000-0000-4000-8000-000000000003',
      tags: 'pricing',
      brandId: 'b',
      mentioned: 'false',
      fold: 'above',
    });
  });

  it('narrows to a bucket and never carries the brand filter of the report', () => {
    const link = runsLink(
      f,
      true,
      {},
      { from: new Date('2026-01-02T00:00:00Z'), to: new Date('2026-01-03T00:00:00Z') },
    );
    expect(link).toEqual({
      projectId: f.projectId,
      synthetic: 'true',
      observedFrom: '2026-01-02T00:00:00.000Z',
      observedTo: '2026-01-03T00:00:00.000Z',
      promptIds: f.promptIds.join(','),
      tags: 'pricing',
    });
  });
});
