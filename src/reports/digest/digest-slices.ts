// Digest slices (docs/reports.md "Slices"): a stored block above the hour split by the (engine, prompt) its runs
// ran on. A report filtered or grouped by engine, prompt or tag merges the slices of the pairs it selects, so its
// cost follows the number of blocks and pairs, not of runs. Pure: the builder's split and the readers' grouping.
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

/** Slices of several blocks (a parent's children) merged per pair. */
export function mergeSlices(slices: Iterable<SliceDigest>): Map<string, SliceDigest> {
  const out = new Map<string, SliceDigest>();
  for (const s of slices) {
    const key = pairKey(s.pair);
    const into = out.get(key);
    if (into) mergeDigests(into.digest, s.digest);
    else out.set(key, { pair: s.pair, digest: mergeDigests(emptyDigest(), s.digest) });
  }
  return out;
}

/** Slices holding at least one run (a pair whose runs all moved out of the block has none). */
export const nonEmpty = (slices: Map<string, SliceDigest>): SliceDigest[] =>
  [...slices.values()].filter((s) => digestRunCount(s.digest) > 0);

/** The digest of group `key` in `out`, created empty on first use. */
export function groupDigest(out: Map<string, ReportDigest>, key: string): ReportDigest {
  let digest = out.get(key);
  if (!digest) out.set(key, (digest = emptyDigest()));
  return digest;
}
