// The reports as docs/metrics.md and docs/csv.md define them, computed by the oracle (./report-oracle.ts) from
// scripted runs: expected JSON bodies, with time-derived leaves as `Approx`. Keys of arrays that the API
// orders by a figure are compared as sets (the test keys them), so only values are asserted here.
import {
  Approx,
  citedDomain,
  percentileCont,
  rateOf,
  round,
  runFacts,
  wilson,
  type BrandFacts,
  type OracleBrand,
  type OracleSettings,
  type ScriptedRun,
} from './report-oracle';

export interface OracleFilter {
  projectId: string;
  from: Date;
  to: Date;
  engineIds?: string[];
  promptIds?: string[];
  tags?: string[];
}

/**
 * Tolerance on a time read from a live stream: far below the scripts' gaps (>= 250 ms to any grid point).
 * GOLDEN_TIME_TOLERANCE_MS=1 shows how far this machine's readings actually are.
 */
export const TIME_TOLERANCE_MS = Number(process.env.GOLDEN_TIME_TOLERANCE_MS ?? 200);

interface Scored {
  run: ScriptedRun;
  facts: Map<string, BrandFacts>;
}

export class ReportOracle {
  constructor(
    private readonly runs: ScriptedRun[],
    private readonly brands: OracleBrand[],
    private readonly settings: OracleSettings,
  ) {}

  private scored(f: OracleFilter): Scored[] {
    return this.runs
      .filter(
        (r) =>
          r.requestAt >= f.from &&
          r.requestAt < f.to &&
          (!f.engineIds?.length || f.engineIds.includes(r.engineId)) &&
          (!f.promptIds?.length || f.promptIds.includes(r.promptId)) &&
          (!f.tags?.length || r.tags.some((t) => f.tags!.includes(t))),
      )
      .map((run) => ({ run, facts: runFacts(run, this.brands, this.settings) }));
  }

  runsQuery(f: OracleFilter, extra: Record<string, string> = {}, range = f): Record<string, string> {
    return {
      projectId: f.projectId,
      synthetic: 'false',
      observedFrom: range.from.toISOString(),
      observedTo: range.to.toISOString(),
      ...(f.engineIds?.length ? { engineIds: f.engineIds.join(',') } : {}),
      ...(f.promptIds?.length ? { promptIds: f.promptIds.join(',') } : {}),
      ...(f.tags?.length ? { tags: f.tags.join(',') } : {}),
      ...extra,
    };
  }

  private time(ms: number | null, k = 1): number | null | Approx {
    return ms === null ? null : new Approx(ms, k * TIME_TOLERANCE_MS);
  }

  /** streamScore-like values move by at most 100 · ln2 / halfLife per ms. */
  private score(v: number | null, digits: number): number | null | Approx {
    const slope = (100 * Math.LN2) / this.settings.halfLifeMs;
    return v === null ? null : new Approx(round(v, digits)!, slope * TIME_TOLERANCE_MS + 10 ** -digits);
  }

  /** Per brand of the section: the mentions report's brand object (docs/metrics.md, "Where the API returns"). */
  mentionBrands(f: OracleFilter) {
    const scored = this.scored(f);
    const all = (b: OracleBrand) => scored.map((s) => s.facts.get(b.id)!);
    const totalMentions = sum(this.brands.flatMap((b) => all(b).map((x) => x.mentionCount)));
    const totalAttention = sum(this.brands.flatMap((b) => all(b).map((x) => x.attention)));
    const totalGeo = sum(this.brands.flatMap((b) => all(b).map((x) => x.geoWeightedWords)));
    return this.brands.map((b) => {
      const rows = all(b);
      const n = rows.length;
      const m = rows.filter((x) => x.mentioned);
      const w = wilson(m.length, n);
      const meanOrder = m.length === 0 ? null : sum(m.map((x) => x.order!)) / m.length;
      const band = (test: (rel: number) => boolean) =>
        round(m.filter((x) => test(x.relPosition!)).length / m.length, 6);
      const pct = (values: number[], p: number) => percentileCont(values, p);
      const since = m.map((x) => x.sinceFirstTokenMs!);
      const visible = m.map((x) => x.firstVisibleAtMs!);
      const tokens = m.map((x) => x.firstTokenIndex!);
      const geoSum = sum(rows.map((x) => x.geoWeightedWords));
      return {
        brandId: b.id,
        name: b.name,
        kind: b.kind,
        n,
        mentionedRuns: m.length,
        mentionCount: sum(rows.map((x) => x.mentionCount)),
        mentionRate: {
          rate: round(w?.rate ?? null, 6),
          low: round(w?.low ?? null, 6),
          high: round(w?.high ?? null, 6),
        },
        timeToFirstMentionMs: { p50: this.time(pct(since, 0.5)), p90: this.time(pct(since, 0.9)) },
        // Since the request: also carries the request's way to the fake server and its timer (2x).
        firstVisibleAtMs: { p50: this.time(pct(visible, 0.5), 2), p90: this.time(pct(visible, 0.9), 2) },
        firstTokenIndex: { p50: pct(tokens, 0.5), p90: pct(tokens, 0.9) },
        meanOrder: round(meanOrder, 4),
        aboveFoldRate: rateOf(rows.filter((x) => x.aboveFold).length, n),
        meanStreamScore: this.score(n === 0 ? null : sum(rows.map((x) => 100 * x.attention)) / n, 4),
        shareOfVoice:
          totalMentions === 0 ? null : round(sum(rows.map((x) => x.mentionCount)) / totalMentions, 6),
        attentionShareOfVoice:
          totalAttention === 0 ? null : new Approx(sum(rows.map((x) => x.attention)) / totalAttention, 0.05),
        compatibility: {
          averagePosition: round(meanOrder, 4),
          positionBands:
            m.length === 0
              ? null
              : {
                  top: band((r) => r < 0.25),
                  middle: band((r) => r >= 0.25 && r < 0.75),
                  bottom: band((r) => r >= 0.75),
                },
          meanTrakkrPoints: round(n === 0 ? null : sum(rows.map((x) => x.trakkrPoints)) / n, 4),
          geo: {
            n,
            meanWeightedWords: n === 0 ? null : new Approx(geoSum / n, 1.5e-4),
            meanShareOfAnswer:
              n === 0 ? null : new Approx(sum(rows.map((x) => x.geoShareOfAnswer)) / n, 1.5e-6),
            shareOfBrands: totalGeo === 0 ? null : new Approx(geoSum / totalGeo, 1.5e-6),
          },
        },
        // No run before this test's range: the previous period is empty.
        previous: null,
        change: {
          mentionRatePoints: null,
          meanStreamScore: null,
          shareOfVoicePoints: null,
          aboveFoldRatePoints: null,
          timeToFirstMentionP50Ms: null,
        },
        runsQuery: this.runsQuery(f, { brandId: b.id }),
      };
    });
  }

  successfulRuns(f: OracleFilter): number {
    return this.scored(f).length;
  }

  /** Every ordered pair of tracked brands (docs/metrics.md "Head to head"). */
  pairs(f: OracleFilter) {
    const scored = this.scored(f);
    return this.brands.flatMap((a) =>
      this.brands
        .filter((b) => b.id !== a.id)
        .map((b) => {
          const rows = scored.map((s) => ({ a: s.facts.get(a.id)!, b: s.facts.get(b.id)! }));
          const both = rows.filter((r) => r.a.mentioned && r.b.mentioned);
          const lead = percentileCont(
            both.map((r) => r.b.firstVisibleAtMs! - r.a.firstVisibleAtMs!),
            0.5,
          );
          return {
            brandA: { id: a.id, name: a.name },
            brandB: { id: b.id, name: b.name },
            runs: rows.length,
            bothMentioned: both.length,
            onlyA: rows.filter((r) => r.a.mentioned && !r.b.mentioned).length,
            onlyB: rows.filter((r) => !r.a.mentioned && r.b.mentioned).length,
            aFirstRate: rateOf(both.filter((r) => r.a.order! < r.b.order!).length, both.length),
            medianLeadMs: this.time(lead, 2),
            medianLeadTokens: percentileCont(
              both.map((r) => r.b.firstTokenIndex! - r.a.firstTokenIndex!),
              0.5,
            ),
            runsQuery: this.runsQuery(f, { brandId: a.id, mentioned: 'true', alsoMentionedBrandId: b.id }),
          };
        }),
    );
  }

  /** Daily trend rows (docs/metrics.md "Trend"), one per UTC day and brand. */
  trend(f: OracleFilter) {
    const days = new Map<number, Scored[]>();
    for (const s of this.scored(f)) {
      const day = Math.floor(s.run.requestAt.getTime() / 86_400_000) * 86_400_000;
      days.set(day, [...(days.get(day) ?? []), s]);
    }
    return [...days].flatMap(([day, scored]) => {
      const total = sum(scored.flatMap((s) => [...s.facts.values()].map((x) => x.mentionCount)));
      const range = {
        from: new Date(Math.max(day, f.from.getTime())),
        to: new Date(Math.min(day + 86_400_000, f.to.getTime())),
      };
      return this.brands.map((b) => {
        const rows = scored.map((s) => s.facts.get(b.id)!);
        const count = sum(rows.map((x) => x.mentionCount));
        return {
          bucket: new Date(day).toISOString(),
          brandId: b.id,
          name: b.name,
          kind: b.kind,
          n: rows.length,
          mentionCount: count,
          mentionRate: rateOf(rows.filter((x) => x.mentioned).length, rows.length),
          aboveFoldRate: rateOf(rows.filter((x) => x.aboveFold).length, rows.length),
          meanStreamScore: this.score(sum(rows.map((x) => 100 * x.attention)) / rows.length, 4),
          shareOfVoice: total === 0 ? null : round(count / total, 6),
          runsQuery: this.runsQuery(f, { brandId: b.id }, { ...f, ...range }),
        };
      });
    });
  }

  /** docs/metrics.md "Citations": cited domains and per-brand citation figures. */
  citations(f: OracleFilter) {
    const scored = this.scored(f);
    const n = scored.length;
    const domains = new Map<string, { brandId: string | null; runs: number; count: number }>();
    for (const s of scored) {
      const cited = s.run.citedUrls.map((u) => citedDomain(u, this.brands));
      for (const c of cited) {
        const d = domains.get(c.domain) ?? { brandId: c.brandId, runs: 0, count: 0 };
        d.count++;
        domains.set(c.domain, d);
      }
      for (const domain of new Set(cited.map((c) => c.domain))) domains.get(domain)!.runs++;
    }
    const name = (id: string | null) => this.brands.find((b) => b.id === id)?.name ?? null;
    return {
      successfulRuns: n,
      domains: [...domains].map(([domain, d]) => ({
        domain,
        brandId: d.brandId,
        brandName: name(d.brandId),
        citingRuns: d.runs,
        citationCount: d.count,
        citingRate: rateOf(d.runs, n),
        runsQuery: this.runsQuery(f, { citedDomain: domain }),
      })),
      brands: this.brands.map((b) => {
        const own = scored.filter((s) =>
          s.run.citedUrls.some((u) => citedDomain(u, this.brands).brandId === b.id),
        ).length;
        const mentioned = scored.filter((s) => s.facts.get(b.id)!.mentioned).length;
        return {
          brandId: b.id,
          name: b.name,
          kind: b.kind,
          n,
          ownDomainCitedRuns: own,
          ownDomainCitationRate: rateOf(own, n),
          mentionedRuns: mentioned,
          // The scripted citations carry no span: never "next to a mention".
          citedNearMentionRuns: 0,
          citedNearMentionRate: rateOf(0, mentioned),
        };
      }),
    };
  }

  /** docs/metrics.md "Arrival distribution" on the documented grids. */
  arrival(f: OracleFilter) {
    const scored = this.scored(f);
    const point = (count: number, n: number) => {
      const r = rateOf(count, n);
      return { count, share: r.rate, lower: r.low, upper: r.high };
    };
    return this.brands.map((b) => {
      const rows = scored.map((s) => s.facts.get(b.id)!);
      const m = rows.filter((x) => x.mentioned);
      return {
        brandId: b.id,
        name: b.name,
        kind: b.kind,
        n: rows.length,
        mentionedRuns: m.length,
        byTime: Array.from({ length: 61 }, (_, i) => i * 500).map((tMs) => ({
          tMs,
          ...point(m.filter((x) => x.sinceFirstTokenMs! <= tMs).length, rows.length),
        })),
        byToken: Array.from({ length: 51 }, (_, i) => i * 10).map((k) => ({
          k,
          ...point(m.filter((x) => x.firstTokenIndex! < k).length, rows.length),
        })),
        runsQuery: this.runsQuery(f, { brandId: b.id }),
      };
    });
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
