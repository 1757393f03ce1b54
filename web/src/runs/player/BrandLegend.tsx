import { formatMs } from '../../ui/format';
import { firstVisibleByBrand, type Timeline } from '../replay/timeline';
import type { BrandLookup } from './text-renderer';

/** The brands named in the answer, in arrival order, with their colour and first visible time. */
export function BrandLegend({ tl, brand }: { tl: Timeline; brand: BrandLookup }) {
  const firsts = firstVisibleByBrand(tl);
  if (firsts.length === 0) {
    return <p className="muted rn-legend-empty">No tracked brand is named in this answer.</p>;
  }
  return (
    <ul className="rn-legend" aria-label="Brands in this answer">
      {firsts.map((f) => {
        const b = brand(f.brandId);
        return (
          <li key={f.brandId} style={{ ['--brand' as string]: b.color }}>
            <span className="rn-swatch" aria-hidden="true" />
            {b.name}
            {b.own && <span className="rn-own-tag">you</span>}
            <span className="muted"> {formatMs(f.visibleAtMs)}</span>
          </li>
        );
      })}
    </ul>
  );
}
