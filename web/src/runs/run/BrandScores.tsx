import { formatMs, formatN, formatScore } from '../../ui/format';
import type { RunScore } from '../api-types';
import type { BrandLookup } from '../player/text-renderer';

/** Every tracked brand for this run, present or not (honest denominators), in arrival order. */
export function BrandScores({ scores, brand }: { scores: RunScore[]; brand: BrandLookup }) {
  if (scores.length === 0) return null;
  const rows = [...scores].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
  return (
    <section className="rn-card" aria-labelledby="rn-scores-title">
      <h3 id="rn-scores-title">Brands</h3>
      <div className="rn-table-scroll" tabIndex={0} role="region" aria-label="Brand scores table">
        <table className="rn-table" data-testid="run-scores">
          <thead>
            <tr>
              <th scope="col">Brand</th>
              <th scope="col" className="num">
                Visible
              </th>
              <th scope="col" className="num">
                Token
              </th>
              <th scope="col" className="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => {
              const b = brand(s.brandId);
              return (
                <tr key={s.brandId} data-brand={s.brandId}>
                  <th scope="row">
                    <span
                      className="rn-swatch"
                      style={{ ['--brand' as string]: b.color }}
                      aria-hidden="true"
                    />
                    {b.name}
                    {s.order !== null && <span className="muted"> #{s.order}</span>}
                    {s.mentionCount > 1 && <span className="muted"> ×{s.mentionCount}</span>}
                  </th>
                  {s.mentioned ? (
                    <>
                      <td className="num">{formatMs(s.firstVisibleAtMs)}</td>
                      <td className="num">
                        {formatN(s.firstTokenIndex)}{' '}
                        <span className={s.aboveFold ? 'rn-fold-tag' : 'rn-fold-tag rn-fold-below'}>
                          {s.aboveFold ? 'above fold' : 'below fold'}
                        </span>
                      </td>
                      <td className="num">{formatScore(s.streamScore)}</td>
                    </>
                  ) : (
                    <td colSpan={3} className="muted">
                      not mentioned
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
