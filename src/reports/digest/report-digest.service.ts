import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PeriodicTask } from '../../infra/schedule/periodic-task';
import { hasRunFilters, type ReportFilter } from '../report-filter';
import { type ReportSource } from '../rollup-range';
import {
  blockEnd,
  blockKey,
  blocksContaining,
  childrenOf,
  DAY_MS,
  HOUR_MS,
  hoursAsRaw,
  planDigest,
  type DigestBlock,
  type DigestPlan,
  type TimeRange,
} from './digest-plan';
import { DigestSlicesRepository } from './digest-slices.repository';
import { groupDigest, mergeStoredSlices, sliceRuns, sliceWrites, type RunPair } from './digest-slices';
import { decodeDigest, encodeDigest } from './digest-codec';
import {
  digestRunCount,
  digestRuns,
  emptyDigest,
  mergeDigests,
  type ReportDigest,
  type RunFacts,
} from './report-digest';
import { ReportDigestRepository, type Db, type RunFactsWithDims } from './report-digest.repository';

/** Dirty hours digested per project per transaction. */
const HOURS_PER_BATCH = 240;
/**
 * Stale blocks rebuilt per project per transaction, the lowest levels first (a day reads its raw rows for its
 * slices; a parent is claimed only after its children, so it always merges rebuilt children).
 */
const STALE_PER_BATCH = 64;
/** Projects visited per builder tick. */
const PROJECTS_PER_TICK = 20;

/** Raw ranges are read a day at a time, so a long filtered range never holds all its rows at once. */
function byDay(ranges: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of ranges) {
    for (let at = r.from.getTime(); at < r.to.getTime(); at += DAY_MS) {
      out.push({ from: new Date(at), to: new Date(Math.min(at + DAY_MS, r.to.getTime())) });
    }
  }
  return out;
}

/** Contiguous hours as ranges of at most a day. */
function hourRuns(hours: readonly Date[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const h of hours) {
    const last = out[out.length - 1];
    const at = h.getTime();
    if (last && last.to.getTime() === at && at + HOUR_MS - last.from.getTime() <= DAY_MS) {
      last.to = new Date(at + HOUR_MS);
    } else out.push({ from: h, to: new Date(at + HOUR_MS) });
  }
  return out;
}

/**
 * Report digests (src/reports/digest/report-digest.ts): reads the digest of a report's range from stored
 * blocks plus raw rows (dirty hours, partial edge hours, and every run when engines, prompts or tags are
 * filtered), and builds the stored blocks from dirty hours (then, less often, the stale blocks above them),
 * periodically on every replica (one builder per project at a time, by advisory lock; the others skip it).
 */
@Injectable()
export class ReportDigestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportDigestService.name);
  private readonly task: PeriodicTask<number>;

  constructor(
    private readonly repo: ReportDigestRepository,
    private readonly slices: DigestSlicesRepository,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.scheduler, {
      name: 'report-digests',
      everyMs: this.config.REPORT_DIGEST_INTERVAL_MS,
      pass: () => this.buildPending(),
      logger: this.logger,
      failure: 'report digest build failed; retrying next tick',
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER_ENABLED) this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.task.stop();
    await this.task.settled();
  }

  /**
   * The digest of a report's range and filters: stored blocks (merged whole, or, with engine, prompt or tag
   * filters, the slices of the pairs they select) plus raw rows for what no stored block covers. `raw` reads
   * every run from raw rows (the reference), as does a prompt-revision filter (nothing stored carries it).
   */
  digestFor(f: ReportFilter, source: ReportSource = 'rollup'): Promise<ReportDigest> {
    return this.repo.snapshot(async (db) => {
      const digest = emptyDigest();
      if (source === 'raw' || f.promptRevision !== undefined) {
        await this.addRaw(db, f, [{ from: f.from, to: f.to }], (run) => digestRuns(digest, [run]));
        return digest;
      }
      const sliced = hasRunFilters(f);
      const plan = await this.plan(db, f, sliced);
      if (sliced) {
        for (const s of await this.slices.read(db, f, plan.blocks)) {
          mergeDigests(digest, decodeDigest(s.digest));
        }
      } else {
        for (const stored of await this.repo.readBlocks(db, f.projectId, plan.blocks)) {
          mergeDigests(digest, decodeDigest(stored.digest));
        }
      }
      await this.addRaw(db, f, plan.raw, (run) => digestRuns(digest, [run]));
      return digest;
    });
  }

  /**
   * Digests of groups of runs, in one snapshot: `groupsOf` names the groups a run on a given (engine, prompt)
   * belongs to (none, one or several). Stored slices answer for the blocks they cover, raw rows for the rest (a
   * prompt-revision filter reads every run raw).
   */
  digestGroups(f: ReportFilter, groupsOf: (pair: RunPair) => string[]): Promise<Map<string, ReportDigest>> {
    return this.repo.snapshot(async (db) => {
      const out = new Map<string, ReportDigest>();
      let raw: TimeRange[] = [{ from: f.from, to: f.to }];
      if (f.promptRevision === undefined) {
        const plan = await this.plan(db, f, true);
        for (const s of await this.slices.read(db, f, plan.blocks)) {
          const digest = decodeDigest(s.digest);
          for (const group of groupsOf(s)) mergeDigests(groupDigest(out, group), digest);
        }
        raw = plan.raw;
      }
      await this.addRaw(db, f, raw, (run) => {
        for (const group of groupsOf(run)) digestRuns(groupDigest(out, group), [run]);
      });
      return out;
    });
  }

  /** The cover of the report's range; `sliced`: hour blocks (which have no slices) read from raw rows. */
  private async plan(db: Db, f: ReportFilter, sliced: boolean): Promise<DigestPlan> {
    const plan = planDigest(
      f.from,
      f.to,
      await this.repo.dirtyHours(db, f.projectId, f.from, f.to),
      await this.repo.staleBlocks(db, f.projectId, f.from, f.to),
    );
    return sliced ? hoursAsRaw(plan) : plan;
  }

  /** Each run of the ranges passing the report's run filters, read a day at a time. */
  private async addRaw(
    db: Db,
    f: ReportFilter,
    ranges: readonly TimeRange[],
    add: (run: RunFactsWithDims) => void,
  ): Promise<void> {
    for (const range of byDay(ranges)) for (const run of await this.repo.runFacts(db, f, range)) add(run);
  }

  /**
   * One pass: projects with dirty hours get up to HOURS_PER_BATCH hours rebuilt (their ancestors marked stale);
   * projects whose oldest stale mark is older than `ancestorDelayMs` get their stale blocks rebuilt. Returns
   * the hours and blocks rebuilt.
   */
  async buildPending(ancestorDelayMs = this.config.REPORT_DIGEST_ANCESTOR_DELAY_MS): Promise<number> {
    return (await this.buildDirtyHours()) + (await this.buildStaleBlocks(ancestorDelayMs));
  }

  /**
   * Builds until nothing is dirty or stale (benchmarks, tests, and an operator after a bulk import): every dirty
   * hour first, then the blocks above them once, not once per batch of hours.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (let round = -1; round !== 0; total += round) {
      round = 0;
      for (let built = -1; built !== 0; round += built) built = await this.buildDirtyHours();
      for (let built = -1; built !== 0; round += built) built = await this.buildStaleBlocks(-60_000);
    }
    return total;
  }

  private async buildDirtyHours(): Promise<number> {
    let built = 0;
    for (const projectId of await this.repo.dirtyProjects(PROJECTS_PER_TICK)) {
      built += (await this.repo.withProjectLock(projectId, (db) => this.buildHours(db, projectId))) ?? 0;
    }
    return built;
  }

  private async buildStaleBlocks(ancestorDelayMs: number): Promise<number> {
    let built = 0;
    for (const projectId of await this.repo.staleProjects(ancestorDelayMs, PROJECTS_PER_TICK)) {
      built += (await this.repo.withProjectLock(projectId, (db) => this.buildStale(db, projectId))) ?? 0;
    }
    return built;
  }

  /** Rebuilds up to HOURS_PER_BATCH dirty hours and marks their ancestors stale. */
  private async buildHours(db: Db, projectId: string): Promise<number> {
    const hours = await this.repo.claimDirtyHours(db, projectId, HOURS_PER_BATCH);
    const filter = unfiltered(projectId);
    // At most a day of contiguous hours is read at a time, so memory is bounded by a day of one project's runs.
    for (const range of hourRuns(hours)) {
      const byHour = new Map<number, RunFacts[]>();
      for (let h = range.from.getTime(); h < range.to.getTime(); h += HOUR_MS) byHour.set(h, []);
      for (const run of await this.repo.runFacts(db, filter, range)) {
        byHour.get(Math.floor(run.observedAtMs / HOUR_MS) * HOUR_MS)?.push(run);
      }
      for (const [hour, runs] of byHour) {
        const digest = emptyDigest();
        digestRuns(digest, runs);
        await this.repo.writeBlock(
          db,
          projectId,
          { level: 0, start: new Date(hour) },
          digestRunCount(digest),
          encodeDigest(digest),
        );
      }
    }
    // Every ancestor of a rebuilt hour is now older than its children: marked stale, so reports read the
    // children, until buildStale rebuilds it (at most every REPORT_DIGEST_ANCESTOR_DELAY_MS, not every tick:
    // the blocks above today are rewritten once per delay, however often runs land).
    const ancestors = new Map<string, DigestBlock>();
    for (const h of hours) for (const b of blocksContaining(h).slice(1)) ancestors.set(blockKey(b), b);
    await this.repo.markStale(db, projectId, [...ancestors.values()]);
    return hours.length;
  }

  /**
   * Rebuilds up to STALE_PER_BATCH stale blocks of the project, children before parents: each the merge of its
   * children, and its slices (a day's from its raw rows, grouped by engine and prompt; above, the merge of its children's).
   */
  private async buildStale(db: Db, projectId: string): Promise<number> {
    const stale = await this.repo.claimStaleBlocks(db, projectId, STALE_PER_BATCH);
    stale.sort((a, b) => a.level - b.level || a.start.getTime() - b.start.getTime());
    for (const block of stale) {
      const digest = emptyDigest();
      for (const child of await this.repo.readBlocks(db, projectId, childrenOf(block))) {
        mergeDigests(digest, decodeDigest(child.digest));
      }
      await this.repo.writeBlock(db, projectId, block, digestRunCount(digest), encodeDigest(digest));
      const slices =
        block.level === 1
          ? sliceWrites(sliceRuns(await this.repo.runFacts(db, unfiltered(projectId), blockRange(block))))
          : mergeStoredSlices(await this.slices.readBlocks(db, projectId, childrenOf(block)));
      await this.slices.replace(db, projectId, block, slices);
    }
    return stale.length;
  }
}

const blockRange = (block: DigestBlock): TimeRange => ({ from: block.start, to: blockEnd(block) });

/** A filter selecting every run of the project (the builder's reads; the range is given apart). */
function unfiltered(projectId: string): ReportFilter {
  return {
    projectId,
    from: new Date(0),
    to: new Date(0),
    brandIds: [],
    engineIds: [],
    promptIds: [],
    tags: [],
  };
}
