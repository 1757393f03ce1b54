// Digest slices (docs/reports.md "Slices"): a stored block above the hour split by the (engine, prompt) its runs
// ran on. A report filtered or grouped by engine, prompt or tag merges the slices of the pairs it selects, so its
// cost follows the number of blocks and pairs, not of runs. Pure: the builder's split and the readers' grouping.
import { decodeDigest, encodeDigest } from './digest-codec';
import { type SliceWrite } from './digest-slices.repository';
import { digestRunCount, digestRuns, emptyDigest, mergeDigests, type ReportDigest } from './report-digest';
import { type RunFactsWithDims } from './report-digest.repository';

/** What a slice is keyed by: the engine and prompt of its runs. */
export interface RunPair {
  engineId: string;
  promptId: string;
}

export interface SliceDigest {
  pair: RunPair;
  digest: ReportDigest;
}

export const pairKey = (p: RunPair): string => `${p.engineId}|${p.promptId}`;

/** The runs' digest per (engine, prompt): a day block's slices, from its raw rows. */
export function sliceRuns(runs: readonly RunFactsWithDims[]): Map<string, SliceDigest> {
  const out = new Map<string, SliceDigest>();
  for (const run of runs) {
    const key = pairKey(run);
    let slice = out.get(key);
    if (!slice) {
      slice = { pair: { engineId: run.engineId, promptId: run.promptId }, digest: emptyDigest() };
      out.set(key, slice);
    }
    digestRuns(slice.digest, [run]);
  }
  return out;
}

/** Slices holding at least one run, in their storage form. */
export const sliceWrites = (slices: Map<string, SliceDigest>): SliceWrite[] =>
  [...slices.values()]
    .filter((s) => digestRunCount(s.digest) > 0)
    .map((s) => ({ ...s.pair, runs: digestRunCount(s.digest), digest: encodeDigest(s.digest) }));

/**
 * The stored slices of a parent's children merged per pair, in their storage form. A pair found in one child
 * only keeps that child's stored text as it is (no decode, no encode): above today, one child of most blocks
 * is empty, so most of a steady-state rebuild is a copy.
 */
export function mergeStoredSlices(rows: readonly SliceWrite[]): SliceWrite[] {
  const byPair = new Map<string, SliceWrite[]>();
  for (const row of rows) {
    const key = pairKey(row);
    byPair.set(key, [...(byPair.get(key) ?? []), row]);
  }
  const out: SliceWrite[] = [];
  for (const group of byPair.values()) {
    const [first] = group as [SliceWrite, ...SliceWrite[]];
    if (group.length === 1) {
      out.push(first);
      continue;
    }
    const digest = emptyDigest();
    for (const row of group) mergeDigests(digest, decodeDigest(row.digest));
    out.push({
      engineId: first.engineId,
      promptId: first.promptId,
      runs: digestRunCount(digest),
      digest: encodeDigest(digest),
    });
  }
  return out.filter((s) => s.runs > 0);
}

/** The digest of group `key` in `out`, created empty on first use. */
export function groupDigest(out: Map<string, ReportDigest>, key: string): ReportDigest {
  let digest = out.get(key);
  if (!digest) out.set(key, (digest = emptyDigest()));
  return digest;
}
