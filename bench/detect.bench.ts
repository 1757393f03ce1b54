/**
 * Mention detection throughput benchmark (`npm run bench:detect`).
 *
 * One generated corpus (>= 10 MB of LLM-style English Markdown answers, fed in chunks of 3-20 characters,
 * i.e. 1-4 tokens, the way streamed answers arrive) is scanned with 10, 1,000 and 10,000 aliases by:
 *
 * - `streamrank`: our IncrementalMatcher (CompiledWatchlist compiled once, one matcher per answer), fed
 *   chunk by chunk;
 * - Aho-Corasick libraries from npm, fed the same chunks. Libraries that only scan whole strings get a
 *   carry-over rescan: every chunk is scanned together with the last maxPatternLength + 1 characters before
 *   it (lower-cased for case-insensitive matching), and only matches whose end is new and whose next
 *   character is known are kept. `modern-ahocorasick` has a stateful stream API and is fed without rescans;
 * - one case-insensitive alternation RegExp (longest alternatives first, look-around word boundaries), fed
 *   with the same carry-over.
 *
 * Library and RegExp outputs get the same rules as streamrank on this configuration (plain ASCII aliases,
 * case-insensitive, ASCII letter/digit word boundaries, longest of overlapping matches wins), and the bench
 * fails unless all implementations report identical mention spans.
 *
 * Figures: throughput in MB/s (10^6 UTF-8 bytes of answer text per second, median of REPS timed runs after
 * one verified warm-up run; the timed runs of all implementations are interleaved round-robin so a change in
 * the machine's load hits them alike; also per second of process CPU time), compile time, and retained heap
 * per compiled watchlist (heapUsed delta after forced GC; run with --expose-gc). The last stdout line is one
 * JSON object: the headline ratio is the ratio of wall-clock medians at 10,000 aliases; `pairedRatio` (median
 * of per-round ratios) and `cpuRatio` are given next to it, with the load average.
 *
 * Environment: BENCH_MB (corpus size, default 10), BENCH_REPS (default 5), BENCH_ALIASES (comma-separated
 * alias counts to run; default 10,1000,10000), BENCH_LIBS (comma-separated
 * implementation name prefixes to run; default all but modern-ahocorasick, whose stream runs at ~1.3 MB/s
 * on this corpus and would triple the run time), BENCH_IN_PROCESS=1 (all alias counts in one process; by default each
 * count runs in its own child process on the same deterministic corpus).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BrandSpec } from '../src/detection/brand-watchlist';
import { CompiledWatchlist } from '../src/detection/compiled-watchlist';
import { IncrementalMatcher } from '../src/detection/incremental-matcher';

interface MonyoneAhoCorasick {
  matchInText(text: string): { begin: number; end: number; keyword: string }[];
}
type MonyoneConstructor = new (keywords: string[]) => MonyoneAhoCorasick;

interface ModernStream {
  write(chunk: string): Iterable<{ start: number; end: number }>;
  finish(): Iterable<{ start: number; end: number }>;
}
interface ModernAhoCorasick {
  createStream(): ModernStream;
  search(text: string): { start: number; end: number }[];
}
type ModernConstructor = new (patterns: string[]) => ModernAhoCorasick;

/* eslint-disable @typescript-eslint/no-require-imports -- these packages publish types only through `exports`,
   which the project's node10 module resolution ignores; runtime require() honours `exports`. */
const monyone = require('@monyone/aho-corasick') as { AhoCorasick: MonyoneConstructor };
const monyoneFast = require('@monyone/aho-corasick/fast') as { AhoCorasick: MonyoneConstructor };
const modernFast = require('modern-ahocorasick/fast') as ModernConstructor | { default: ModernConstructor };
/* eslint-enable @typescript-eslint/no-require-imports */
const ModernFast: ModernConstructor = 'default' in modernFast ? modernFast.default : modernFast;

const CORPUS_MB = Number(process.env.BENCH_MB ?? 10);
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5));
const ALL_ALIAS_COUNTS = [10, 1_000, 10_000];
/** BENCH_ALIASES (comma-separated subset of 10,1000,10000) narrows the run, e.g. for profiling. */
const ALIAS_COUNTS = process.env.BENCH_ALIASES
  ? ALL_ALIAS_COUNTS.filter((count) => process.env.BENCH_ALIASES?.split(',').map(Number).includes(count))
  : ALL_ALIAS_COUNTS;
const TARGET_RATIO = 3;
const ISOLATED = process.env.BENCH_IN_PROCESS !== '1' && ALIAS_COUNTS.length > 1;

// ---------------------------------------------------------------------------------------------- corpus

/** Deterministic PRNG (mulberry32) so every run scans the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20240611);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

const FILLER = (
  'the a an and or but for with without to of in on at by from as is are was be can will should may ' +
  'offers provides supports includes features pricing plan plans team teams small large business ' +
  'businesses users customers data reporting dashboards integrations workflow workflows automation ' +
  'security compliance support onboarding setup easy simple powerful flexible affordable popular ' +
  'option options choice choices tool tools platform platforms solution solutions best top leading ' +
  'good great strong solid reliable fast modern open source free tier trial monthly annual per seat ' +
  'user month year most many some other several key main overall value price cost features like ' +
  'including especially particularly however also often usually typically generally depending on ' +
  'your needs budget size use case cases scale growth enterprise startup mid-market companies ' +
  'marketing sales service management tracking insights collaboration communication ' +
  'mobile app apps web browser extension api apis developer developers documentation community ' +
  'reviews rating ratings g2 capterra learning curve interface ui ux design customization templates'
).split(' ');
const SUFFIXES = ['Labs', 'Cloud', 'AI', 'Analytics', 'Systems', 'Pay', 'Studio', 'CRM', 'HQ', 'Works'];
const SYLLABLES = (
  'zen kor vo trix qua mel lix ban dor ra ply tiv nex ora sol van tek rho bry ximo lume kai zu ' +
  'fen gal tor pix ivo dra quin vex mo nar sta zel cro bix wen ula phy rix tal dex yo hux'
).split(' ');
const HEADINGS = ['Top picks', 'Best options', 'Comparison', 'Key takeaways', 'Pricing overview', 'Verdict'];
const LINK_PATHS = ['docs', 'guide', 'pricing', 'blog', 'reviews', 'setup', 'compare', 'features'];

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** 5,000 made-up brands; aliases 2i and 2i+1 are brand i's name and "name suffix". */
function makeAliases(count: number): string[] {
  const vocabulary = new Set([...FILLER, ...SUFFIXES.map((s) => s.toLowerCase())]);
  const names = new Set<string>();
  while (names.size < count / 2) {
    const parts = between(2, 3);
    let name = '';
    for (let i = 0; i < parts; i++) name += pick(SYLLABLES);
    if (name.length >= 4 && !vocabulary.has(name)) names.add(capitalize(name));
  }
  const aliases: string[] = [];
  for (const name of names) aliases.push(name, `${name} ${pick(SUFFIXES)}`);
  return aliases;
}

const ALL_ALIASES = makeAliases(Math.max(...ALL_ALIAS_COUNTS));

function mentionText(): string {
  // Skewed so that the 10- and 1,000-alias watchlists also see mentions.
  const roll = random();
  const limit = roll < 0.25 ? 10 : roll < 0.6 ? 1_000 : ALL_ALIASES.length;
  const alias = ALL_ALIASES[Math.floor(random() * limit)] as string;
  const style = random();
  if (style < 0.05) return alias.toUpperCase();
  if (style < 0.1) return alias.toLowerCase();
  if (style < 0.15) return `${alias}'s`;
  if (style < 0.2) return `${alias}’s`;
  return alias;
}

function sentence(mentionChance: number): string {
  const words: string[] = [];
  const length = between(8, 22);
  for (let i = 0; i < length; i++) {
    if (random() < mentionChance / length) {
      words.push(random() < 0.3 ? `**${mentionText()}**` : mentionText());
    } else words.push(pick(FILLER));
    if (random() < 0.08) words[words.length - 1] += ',';
  }
  if (random() < 0.1) words.push('—', pick(FILLER), pick(FILLER));
  if (random() < 0.05) {
    words.push(`(see [${pick(FILLER)}](https://example.com/${pick(LINK_PATHS)}/${pick(LINK_PATHS)}))`);
  }
  if (random() < 0.05) words.push(`\`${pick(FILLER)}()\``);
  if (random() < 0.05) words.push(`from $${between(5, 99)}/month`);
  const text = words.join(' ');
  return `${capitalize(text)}${pick(['.', '.', '.', '!', '?'])}`;
}

function answer(): string {
  const parts: string[] = [];
  parts.push(`${pick(['', '', '## ', '### '])}${pick(HEADINGS)}\n\n`);
  parts.push(`${sentence(0.6)} ${sentence(0.4)} ${sentence(0.3)}\n\n`);
  const items = between(3, 7);
  const ordered = random() < 0.6;
  for (let i = 1; i <= items; i++) {
    parts.push(`${ordered ? `${i}.` : '-'} **${mentionText()}** — ${sentence(0.3)} ${sentence(0.2)}\n`);
  }
  parts.push(`\n${sentence(0.5)} ${sentence(0.3)}\n\n`);
  if (random() < 0.5) {
    parts.push(`| Tool | Price |\n|---|---|\n| ${mentionText()} | $${between(5, 99)} |\n\n`);
  }
  parts.push(`**${pick(HEADINGS)}:** ${sentence(0.5)}\n`);
  return parts.join('');
}

interface Corpus {
  answers: string[];
  /** chunks[i] are answer i's chunks, 3-20 characters each (the last may be shorter). */
  chunks: string[][];
  bytes: number;
  chars: number;
  chunkCount: number;
}

function makeCorpus(megabytes: number): Corpus {
  const answers: string[] = [];
  const chunks: string[][] = [];
  let bytes = 0;
  let chars = 0;
  let chunkCount = 0;
  while (bytes < megabytes * 1e6) {
    let text = '';
    const size = between(2_000, 8_000);
    while (text.length < size) text += answer() + '\n';
    const pieces: string[] = [];
    for (let at = 0; at < text.length;) {
      const length = between(3, 20);
      pieces.push(text.slice(at, at + length));
      at += length;
    }
    answers.push(text);
    chunks.push(pieces);
    bytes += Buffer.byteLength(text, 'utf8');
    chars += text.length;
    chunkCount += pieces.length;
  }
  return { answers, chunks, bytes, chars, chunkCount };
}

// ---------------------------------------------------------------------------------------------- implementations

/** Mention spans of one answer, flattened [start0, end0, start1, end1, ...]. */
type Spans = number[];

interface Implementation {
  name: string;
  /** Builds the reusable compiled form for these aliases (timed and measured for heap). */
  compile(aliases: string[]): unknown;
  /** Scans one answer fed as `chunks`; appends accepted spans to `out`. */
  scan(compiled: unknown, chunks: string[], out: Spans): void;
}

const isWordUnit = (unit: number): boolean =>
  (unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a);

/**
 * The resolver's overlap rule applied to raw spans (sorted by start, longest first): overlapping spans form
 * a cluster, in which the longest wins (ties: earlier start) and others overlapping a chosen one are dropped.
 */
function resolveOverlaps(spans: Spans): Spans {
  const pairs: [number, number][] = [];
  for (let i = 0; i < spans.length; i += 2) pairs.push([spans[i] as number, spans[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const result: Spans = [];
  let index = 0;
  while (index < pairs.length) {
    let last = index;
    let clusterEnd = (pairs[index] as [number, number])[1];
    while (last + 1 < pairs.length && (pairs[last + 1] as [number, number])[0] < clusterEnd) {
      last++;
      clusterEnd = Math.max(clusterEnd, (pairs[last] as [number, number])[1]);
    }
    const cluster = pairs.slice(index, last + 1).sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || a[0] - b[0]);
    const chosen: [number, number][] = [];
    for (const span of cluster) {
      if (chosen.every((other) => other[1] <= span[0] || span[1] <= other[0])) chosen.push(span);
    }
    chosen.sort((a, b) => a[0] - b[0]);
    for (const [start, end] of chosen) result.push(start, end);
    index = last + 1;
  }
  return result;
}

function streamrank(): Implementation {
  return {
    name: 'streamrank',
    compile(aliases) {
      // The libraries' configuration: any case, no diacritic folding, punctuation as written, compounds
      // allowed (the defaults would drop the corpus's lower-case mentions the libraries count).
      const brands: BrandSpec[] = aliases.map((text, index) => ({
        id: `b${index}`,
        name: text,
        aliases: [
          {
            text,
            caseSensitive: false,
            foldDiacritics: false,
            optionalPunctuation: false,
            inCompounds: true,
          },
        ],
        exclusions: [],
        domains: [],
      }));
      return new CompiledWatchlist(brands);
    },
    scan(compiled, chunks, out) {
      const matcher = new IncrementalMatcher(compiled as CompiledWatchlist);
      for (let i = 0; i < chunks.length; i++) {
        for (const mention of matcher.push(chunks[i] as string, i)) {
          out.push(mention.charStart, mention.charEnd);
        }
      }
      for (const mention of matcher.end()) out.push(mention.charStart, mention.charEnd);
    },
  };
}

/**
 * Whole-string matcher fed with a carry-over rescan. Keeps matches ending in [previous chunk end, this chunk
 * end) (the character after them is known), or up to the end on the last chunk; the carry holds the last
 * maxLength + 1 characters so such matches and the character before them are in the scanned buffer.
 */
function carryScan(
  chunks: string[],
  maxLength: number,
  find: (buffer: string, visit: (start: number, end: number) => void) => void,
  checkBoundaries: boolean,
  out: Spans,
): void {
  let carry = '';
  let base = 0; // global offset of carry[0]
  let received = 0;
  const spans: Spans = [];
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as string;
    const buffer = carry + chunk.toLowerCase();
    const previousEnd = received;
    received += chunk.length;
    const last = i === chunks.length - 1;
    const limit = last ? received : received - 1;
    find(buffer, (start, end) => {
      const globalEnd = base + end;
      if (globalEnd < previousEnd || globalEnd > limit) return;
      if (checkBoundaries) {
        if (start > 0 && isWordUnit(buffer.charCodeAt(start - 1))) return;
        if (end < buffer.length && isWordUnit(buffer.charCodeAt(end))) return;
      }
      spans.push(base + start, globalEnd);
    });
    const keep = Math.min(buffer.length, maxLength + 1);
    carry = buffer.slice(buffer.length - keep);
    base = received - keep;
  }
  for (const value of resolveOverlaps(spans)) out.push(value);
}

function monyoneImpl(name: string, constructor: MonyoneConstructor): Implementation {
  return {
    name,
    compile(aliases) {
      const keywords = aliases.map((alias) => alias.toLowerCase());
      return { automaton: new constructor(keywords), maxLength: Math.max(...keywords.map((k) => k.length)) };
    },
    scan(compiled, chunks, out) {
      const { automaton, maxLength } = compiled as { automaton: MonyoneAhoCorasick; maxLength: number };
      carryScan(
        chunks,
        maxLength,
        (buffer, visit) => {
          for (const match of automaton.matchInText(buffer)) visit(match.begin, match.end);
        },
        true,
        out,
      );
    },
  };
}

/** modern-ahocorasick's own stateful stream (no rescans); case folding by lower-casing each chunk. */
function modernStreamImpl(): Implementation {
  return {
    name: 'modern-ahocorasick/fast (createStream)',
    compile(aliases) {
      return new ModernFast(aliases.map((alias) => alias.toLowerCase()));
    },
    scan(compiled, chunks, out) {
      const stream = (compiled as ModernAhoCorasick).createStream();
      const lowered: string[] = [];
      const spans: Spans = [];
      let received = 0;
      // Boundary checks need the characters around a match; a real consumer would keep a small tail.
      const accept = (match: { start: number; end: number }, text: string): void => {
        if (match.start > 0 && isWordUnit(text.charCodeAt(match.start - 1))) return;
        if (match.end < text.length && isWordUnit(text.charCodeAt(match.end))) return;
        spans.push(match.start, match.end);
      };
      const pending: { start: number; end: number }[] = [];
      for (const chunk of chunks) {
        const lower = chunk.toLowerCase();
        lowered.push(lower);
        received += chunk.length;
        for (const match of stream.write(lower)) pending.push({ start: match.start, end: match.end });
      }
      for (const match of stream.finish()) pending.push({ start: match.start, end: match.end });
      const loweredText = lowered.join('');
      for (const match of pending) accept(match, loweredText);
      void received;
      for (const value of resolveOverlaps(spans)) out.push(value);
    },
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function regexImpl(): Implementation {
  return {
    name: 'RegExp alternation',
    compile(aliases) {
      const sorted = [...aliases].sort((a, b) => b.length - a.length);
      const source = `(?<![a-z0-9])(?:${sorted.map(escapeRegExp).join('|')})(?![a-z0-9])`;
      return { regex: new RegExp(source, 'gi'), maxLength: sorted[0]?.length ?? 0 };
    },
    scan(compiled, chunks, out) {
      const { regex, maxLength } = compiled as { regex: RegExp; maxLength: number };
      carryScan(
        chunks,
        maxLength,
        (buffer, visit) => {
          regex.lastIndex = 1;
          for (let match = regex.exec(buffer); match !== null; match = regex.exec(buffer)) {
            visit(match.index, match.index + match[0].length);
          }
        },
        false,
        out,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------- harness

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  if (gc !== undefined) {
    gc();
    gc();
  }
  // Typed arrays keep their contents outside the JS heap (counted in `external`).
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

interface Result {
  implementation: string;
  aliases: number;
  /** Median wall-clock throughput. */
  mbPerSec: number;
  runsMbPerSec: number[];
  /** Median throughput per second of process CPU time (less sensitive to other processes' load). */
  cpuMbPerSec: number;
  compileMs: number;
  heapBytes: number | null;
  mentions: number;
  identical: boolean;
}

interface Prepared {
  impl: Implementation;
  compiled: unknown;
  compileMs: number;
  heapBytes: number | null;
  mentions: number;
  identical: boolean;
  runs: number[];
  cpuRuns: number[];
}

function run(): void {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((value) => round(value, 2));
  const corpus = makeCorpus(CORPUS_MB);
  const only = process.env.BENCH_LIBS?.split(',').map((name) => name.trim());
  const implementations = [
    streamrank(),
    monyoneImpl('@monyone/aho-corasick (carry rescan)', monyone.AhoCorasick),
    monyoneImpl('@monyone/aho-corasick/fast (carry rescan)', monyoneFast.AhoCorasick),
    modernStreamImpl(),
    regexImpl(),
  ].filter((impl) =>
    only === undefined
      ? // modern-ahocorasick's stream is ~1.3 MB/s here (grapheme-aware); opt in with BENCH_LIBS to keep the run short.
        !impl.name.startsWith('modern-ahocorasick')
      : only.some((name) => impl.name.startsWith(name)),
  );
  console.log(
    `corpus: ${corpus.answers.length} answers, ${(corpus.bytes / 1e6).toFixed(2)} MB, ` +
      `${corpus.chunkCount} chunks (mean ${(corpus.chars / corpus.chunkCount).toFixed(1)} chars); ` +
      `${REPS} timed runs each; gc ${gc === undefined ? 'NOT exposed (run node --expose-gc)' : 'exposed'}`,
  );

  const results: Result[] = [];
  for (const count of ALIAS_COUNTS) {
    const aliases = ALL_ALIASES.slice(0, count);
    let reference: Spans[] | null = null;
    const prepared: Prepared[] = [];
    for (const impl of implementations) {
      const before = heapUsed();
      const compileStart = performance.now();
      const compiled: unknown = impl.compile(aliases);
      const compileMs = performance.now() - compileStart;
      const heapBytes = gc === undefined ? null : heapUsed() - before;

      // Warm-up run, also the one whose output is verified.
      const found: Spans[] = corpus.chunks.map((chunks) => {
        const spans: Spans = [];
        impl.scan(compiled, chunks, spans);
        return spans;
      });
      let identical = true;
      if (reference === null) reference = found;
      else {
        for (let i = 0; i < found.length && identical; i++) {
          const a = found[i] as Spans;
          const b = reference[i] as Spans;
          if (a.length !== b.length || a.some((value, j) => value !== b[j])) {
            identical = false;
            const answerText = corpus.answers[i] as string;
            const show = (spans: Spans): string[] => {
              const shown: string[] = [];
              for (let j = 0; j < spans.length; j += 2) {
                shown.push(`${spans[j]}:${answerText.slice(spans[j], spans[j + 1])}`);
              }
              return shown;
            };
            const sa = new Set(show(a));
            const sb = new Set(show(b));
            console.error(
              `MISMATCH ${impl.name} @${count} answer ${i}: only here ${JSON.stringify([...sa].filter((x) => !sb.has(x)).slice(0, 5))}, only in reference ${JSON.stringify([...sb].filter((x) => !sa.has(x)).slice(0, 5))}`,
            );
          }
        }
      }
      const mentions = found.reduce((sum, spans) => sum + spans.length / 2, 0);
      prepared.push({ impl, compiled, compileMs, heapBytes, mentions, identical, runs: [], cpuRuns: [] });
    }

    // Timed runs interleaved round-robin (starting with a different implementation each round), so that
    // every implementation sees the same share of the machine's varying load.
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < prepared.length; k++) {
        const entry = prepared[(rep + k) % prepared.length] as Prepared;
        const spans: Spans = [];
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (const chunks of corpus.chunks) entry.impl.scan(entry.compiled, chunks, spans);
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        entry.runs.push(corpus.bytes / 1e6 / seconds);
        entry.cpuRuns.push(corpus.bytes / 1e6 / ((cpu.user + cpu.system) / 1e6));
      }
    }
    for (const entry of prepared) {
      const result: Result = {
        implementation: entry.impl.name,
        aliases: count,
        mbPerSec: round(median(entry.runs), 2),
        runsMbPerSec: entry.runs.map((value) => round(value, 2)),
        cpuMbPerSec: round(median(entry.cpuRuns), 2),
        compileMs: round(entry.compileMs, 1),
        heapBytes: entry.heapBytes,
        mentions: entry.mentions,
        identical: entry.identical,
      };
      results.push(result);
      console.log(
        `${String(count).padStart(6)} aliases  ${entry.impl.name.padEnd(44)} ${result.mbPerSec.toFixed(2).padStart(8)} MB/s` +
          ` (${result.cpuMbPerSec.toFixed(2).padStart(6)} per CPU s)` +
          `  compile ${result.compileMs.toFixed(1).padStart(8)} ms  heap ${entry.heapBytes === null ? 'n/a' : `${(entry.heapBytes / 1e6).toFixed(2)} MB`}` +
          `  mentions ${entry.mentions}${entry.identical ? '' : '  MISMATCH'}`,
      );
    }
  }

  summarize(results, corpusInfo(corpus), started, loadAtStart);
}

interface CorpusInfo {
  megabytes: number;
  answers: number;
  chunks: number;
}

function corpusInfo(corpus: ReturnType<typeof makeCorpus>): CorpusInfo {
  return {
    megabytes: round(corpus.bytes / 1e6, 2),
    answers: corpus.answers.length,
    chunks: corpus.chunkCount,
  };
}

/** Ratios against the fastest library per size, and the last stdout line (one JSON object). */
function summarize(results: Result[], corpus: CorpusInfo, started: number, loadAtStart: number[]): void {
  const ours = (count: number) =>
    results.find((r) => r.implementation === 'streamrank' && r.aliases === count);
  const fastestLibrary = (count: number) =>
    results
      .filter(
        (r) =>
          r.aliases === count && r.implementation !== 'streamrank' && !r.implementation.startsWith('RegExp'),
      )
      .sort((a, b) => b.mbPerSec - a.mbPerSec)[0];
  const ratios = ALIAS_COUNTS.map((count) => {
    const mine = ours(count);
    const library = fastestLibrary(count);
    if (mine === undefined || library === undefined) {
      return { aliases: count, fastestLibrary: null, ratio: null, pairedRatio: null, cpuRatio: null };
    }
    return {
      aliases: count,
      fastestLibrary: library.implementation,
      /** Ratio of the medians (the headline figure). */
      ratio: round(mine.mbPerSec / library.mbPerSec, 2),
      /** Median of the per-round ratios (each round runs both back to back). */
      pairedRatio: round(
        median(mine.runsMbPerSec.map((value, i) => value / (library.runsMbPerSec[i] as number))),
        2,
      ),
      /** Ratio of the medians per CPU second. */
      cpuRatio: round(mine.cpuMbPerSec / library.cpuMbPerSec, 2),
    };
  });
  const measured = ratios.find((r) => r.aliases === 10_000)?.ratio ?? null;
  const allIdentical = results.every((r) => r.identical);
  console.log(
    `total ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${loadAtStart.join(' ')} at start, ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} at end`,
  );
  console.log(
    JSON.stringify({
      target: TARGET_RATIO,
      measured,
      headroom: measured === null ? null : round(measured / TARGET_RATIO, 2),
      metric:
        'throughput ratio streamrank / fastest npm Aho-Corasick library at 10,000 aliases (MB/s medians)',
      identicalMatches: allIdentical,
      corpus,
      isolation: ISOLATED ? 'one process per alias count' : 'one process for all alias counts',
      reps: REPS,
      loadAverage: { start: loadAtStart, end: os.loadavg().map((value) => round(value, 2)) },
      ratios,
      results,
    }),
  );
  if (!allIdentical) process.exitCode = 1;
}

/**
 * Each alias count in a fresh process (same deterministic corpus), like JMH forks: measured here, running the
 * 10-alias watchlist first in the same process costs the 10,000-alias walk 15-25% (V8 type feedback and GC
 * state carried over), which would make the figure depend on the order of the sizes. `BENCH_IN_PROCESS=1` runs
 * all sizes in one process instead.
 */
function runIsolated(): void {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((value) => round(value, 2));
  const results: Result[] = [];
  let corpus: CorpusInfo | null = null;
  for (const count of ALIAS_COUNTS) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      env: { ...process.env, BENCH_ALIASES: String(count), BENCH_IN_PROCESS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const lines = child.stdout.trimEnd().split('\n');
    const last = lines.pop();
    for (const line of lines) console.log(line);
    if (child.status !== 0 || last === undefined) process.exitCode = 1;
    if (last === undefined) continue;
    const childSummary = JSON.parse(last) as { results: Result[]; corpus: CorpusInfo };
    results.push(...childSummary.results);
    corpus = childSummary.corpus;
  }
  if (corpus === null) throw new Error('no alias count was measured');
  summarize(results, corpus, started, loadAtStart);
}

if (ISOLATED) runIsolated();
else run();
