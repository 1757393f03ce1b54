/** Error figures and target records for the benches' last JSON line (headroom: target / measured, 1.0 = met). */
import { percentile } from '../../src/scoring/statistics';

export interface Figures {
  n: number;
  p50: number;
  p99: number;
  max: number;
}
export const figures = (signed: number[], digits: number): Figures => {
  const abs = signed.map(Math.abs);
  const r = (v: number | null | undefined): number => Number((v ?? NaN).toFixed(digits));
  return {
    n: abs.length,
    p50: r(percentile(abs, 0.5)),
    p99: r(percentile(abs, 0.99)),
    max: r(Math.max(...abs)),
  };
};
export const show = (f: Figures, unit: string): string =>
  `median ${f.p50}, p99 ${f.p99}, max ${f.max} ${unit} (n=${f.n})`;

export interface Target {
  name: string;
  target: number;
  measured: number;
  headroom: number;
  [more: string]: unknown;
}
export const headroom = (target: number, measured: number): number =>
  Number((target / Math.max(measured, 1e-3)).toFixed(2));
