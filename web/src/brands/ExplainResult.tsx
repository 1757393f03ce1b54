// The tested text with what counts (brand colour), what an exclusion removed (struck through) and the near
// misses (dotted), and the same list in words.
import type { BrandsControllerExplainResponse as Explanation } from '../../../clients/typescript/types.gen';
import { segmentsOf, type Span } from './highlight-segments';
import { NEAR_MISS_TEXT } from './rule-text';

interface Props {
  text: string;
  result: Explanation;
  colorOf: (brandName: string) => string;
}

function spansOf(r: Explanation): Span[] {
  return [
    ...r.mentions.map((m, index) => ({
      kind: 'mention' as const,
      start: m.charStart,
      end: m.charEnd,
      index,
      brandName: m.brandName,
    })),
    ...r.excluded.map((m, index) => ({
      kind: 'excluded' as const,
      start: m.charStart,
      end: m.charEnd,
      index,
      brandName: m.brandName,
    })),
    ...r.nearMisses.map((m, index) => ({
      kind: 'near-miss' as const,
      start: m.charStart,
      end: m.charEnd,
      index,
      brandName: m.brandName,
    })),
  ];
}

function why(r: Explanation, s: Span): string {
  if (s.kind === 'mention') return `counts for ${s.brandName}`;
  if (s.kind === 'excluded') {
    return `excluded for ${s.brandName} by "${r.excluded[s.index]?.exclusion ?? ''}"`;
  }
  const n = r.nearMisses[s.index];
  return `not counted for ${s.brandName}: ${NEAR_MISS_TEXT[n?.rule ?? ''] ?? n?.rule ?? ''}`;
}

export function ExplainResult({ text, result, colorOf }: Props) {
  const segments = segmentsOf(text, spansOf(result));
  const total = result.mentions.length + result.excluded.length + result.nearMisses.length;
  return (
    <div className="explain-result" data-testid="explain-result" aria-live="polite">
      <p className="explain-text" data-testid="explain-highlight">
        {segments.map((seg) =>
          seg.span ? (
            <mark
              key={seg.start}
              className={`hl hl-${seg.span.kind}`}
              data-kind={seg.span.kind}
              data-brand={seg.span.brandName}
              style={
                seg.span.kind === 'mention'
                  ? {
                      backgroundColor: `${colorOf(seg.span.brandName)}26`,
                      borderBottomColor: colorOf(seg.span.brandName),
                    }
                  : undefined
              }
              title={why(result, seg.span)}
            >
              {seg.text}
              <span className="visually-hidden"> ({why(result, seg.span)})</span>
            </mark>
          ) : (
            <span key={seg.start}>{seg.text}</span>
          ),
        )}
      </p>
      {total === 0 ? (
        <p className="muted">Nothing in this text names a tracked brand, nor nearly does.</p>
      ) : (
        <ul className="explain-list" data-testid="explain-list">
          {result.mentions.map((m, i) => (
            <li key={`m${i}`} data-kind="mention">
              <span className="swatch" style={{ background: colorOf(m.brandName) }} aria-hidden="true" />
              <strong>Counts</strong> for {m.brandName}: “{m.text}”
              {m.alias !== m.text ? ` (alias “${m.alias}”)` : ''}
              {m.listRank !== null ? `, list item ${m.listRank}` : ''}
            </li>
          ))}
          {result.excluded.map((e, i) => (
            <li key={`e${i}`} data-kind="excluded">
              <span className="swatch swatch-excluded" aria-hidden="true" />
              <strong>Excluded</strong> for {e.brandName}: “{e.text}” is inside the exclusion “{e.exclusion}”
            </li>
          ))}
          {result.nearMisses.map((n, i) => (
            <li key={`n${i}`} data-kind="near-miss" data-rule={n.rule}>
              <span className="swatch swatch-near" aria-hidden="true" />
              <strong>Near miss</strong> for {n.brandName}: “{n.text}”: {NEAR_MISS_TEXT[n.rule] ?? n.rule}
              {n.by ? ` (${n.by})` : ''} <code>{n.rule}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
