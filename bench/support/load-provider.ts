/**
 * Fake OpenAI-compatible streaming provider for the load/scale benchmarks, run as a CHILD process (see
 * `startLoadProvider`), so its work never shares an event loop with the process being measured.
 *
 * Every answer is a chat-completion SSE stream: a role chunk, TOKENS content chunks, a finish chunk, a usage
 * chunk and `[DONE]`. Tokens are paced at ~RATE tokens/s with jitter (10-30 ms at 50/s) and realistic
 * chunking: usually one event per write, sometimes 2-3 events coalesced into one write (as proxies and
 * batching providers do). Just before each write the server reads `process.hrtime.bigint()` (CLOCK_MONOTONIC,
 * the clock the reading process sees too) and embeds it in every event of that write as `sr_write_ns`, a
 * field the adapters ignore. The write time of each content event (ms on process.hrtime) of every ended stream
 * is kept until the parent asks for it (`{ type: 'collect' }`, answered by `{ type: 'streams', streams: [id,
 * Float64Array, requestMs][] }` over advanced serialization): the measured process receives nothing while it is
 * measured. `requestMs` is when the request reached the server (process.hrtime, ms, taken as its `request` event
 * fires, i.e. once its head was read): the ground truth for times measured from the request-sent instant (TTFT
 * is the first content write minus it, plus the loopback). The first content chunk is `S<id> ` so a reader can
 * tell which stream it got.
 *
 * Writes are driven by one 1 ms scheduler tick over a timing wheel of 1 ms slots (not one timer per write,
 * and not a scan of every stream per tick), and every event is rendered when its stream starts, so 1,000
 * concurrent streams at 50 tokens/s stay cheap for the server: its CPU is taken from the same two cores as the
 * process being measured. RATE=0 writes everything at once (fast mode, for throughput benches).
 */
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setPriority } from 'node:os';
import { execFileSync } from 'node:child_process';

/**
 * A real provider is another machine; this one shares the cores with the process being measured. Its nice
 * value comes from LOAD_PROVIDER_NICE (bench:load passes 0 unless told otherwise; see PROVIDER_NICE there).
 */
if (process.env.LOAD_PROVIDER_NICE !== undefined) {
  try {
    setPriority(Number(process.env.LOAD_PROVIDER_NICE));
  } catch {
    // Not permitted: the fake keeps its priority; the bench still runs.
  }
}

/**
 * LOAD_PROVIDER_RT (1-99) puts every thread of the fake under SCHED_FIFO at that priority (util-linux `chrt`),
 * so that its clock is the wire's: a ground truth that waits for a core behind the measured process's own
 * real-time socket thread charges the reader with the fake's queueing. Reported to the parent in `ready`.
 */
let realtime: string | null = null;
if (process.env.LOAD_PROVIDER_RT !== undefined && Number(process.env.LOAD_PROVIDER_RT) > 0) {
  try {
    execFileSync(
      'chrt',
      ['--fifo', '--all-tasks', '--pid', process.env.LOAD_PROVIDER_RT, String(process.pid)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    realtime = `SCHED_FIFO ${process.env.LOAD_PROVIDER_RT}`;
  } catch {
    // Not permitted (no CAP_SYS_NICE or no real-time budget): the nice value above stands.
  }
}

const RATE = Number(process.env.LOAD_RATE ?? 50);
const MIN_TOKENS = Number(process.env.LOAD_MIN_TOKENS ?? 250);
const MAX_TOKENS = Number(process.env.LOAD_MAX_TOKENS ?? 350);

const VOCAB = (
  'For most teams Acme is a solid choice because its pipeline views are clear and its API is well documented . ' +
  '**Globex** offers deeper analytics , while Initech focuses on small businesses with simple pricing . ' +
  'See https://acme.example.com/docs for details . 1 . Acme : best overall\n2 . Globex : best for reporting\n' +
  '3 . Initech : cheapest option\n In short , pick the tool that fits your process and budget .'
).split(' ');

let seed = 12345;
const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

interface Stream {
  id: number;
  res: ServerResponse;
  /**
   * Groups of SSE events, one group per write: each event is `data: {...` rendered up to (not including) its
   * closing brace, where `sr_write_ns` goes; null is `data: [DONE]`.
   */
  groups: { due: number; events: (string | null)[]; content: number }[];
  next: number;
  /** Write time (ms on process.hrtime) of each content event written so far. */
  writeMs: number[];
  /** When the request arrived (ms on process.hrtime). */
  requestMs: number;
}

const active = new Set<Stream>();
/** Ended streams' write times, until the parent collects them. */
let ended: [id: number, writeMs: Float64Array, requestMs: number][] = [];
let streamCounter = 0;
let tickTimer: NodeJS.Timeout | null = null;
/** Streams by the millisecond (performance.now(), floored) their next write is due. */
const wheel = new Map<number, Stream[]>();
/** The next wheel slot to visit. */
let cursor = Math.floor(performance.now());

const base = `"object":"chat.completion.chunk","created":1735000000,"model":"gpt-fake"`;
/** An event up to its closing brace (see Stream.groups). */
function eventJson(id: number, body: string): string {
  return `data: {"id":"chatcmpl-s${id}",${base},${body}`;
}
function choice(delta: object, finish: string | null = null): string {
  return `"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}]`;
}

function script(id: number, startMs: number): Stream['groups'] {
  const tokens = MIN_TOKENS + Math.floor(rand() * (MAX_TOKENS - MIN_TOKENS + 1));
  const texts = [`S${id} `];
  for (let i = 1; i < tokens; i++) texts.push(`${VOCAB[(i + id) % VOCAB.length]} `);
  const groups: Stream['groups'] = [
    { due: startMs, events: [eventJson(id, choice({ role: 'assistant', content: '' }))], content: 0 },
  ];
  let due = startMs;
  let i = 0;
  while (i < texts.length) {
    const r = rand();
    const size = r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
    const events: string[] = [];
    for (let k = 0; k < size && i < texts.length; k++, i++) {
      events.push(eventJson(id, choice({ content: texts[i] })));
      if (RATE > 0) due += (1000 / RATE) * (0.5 + rand());
    }
    groups.push({ due, events, content: events.length });
  }
  groups.push({
    due,
    events: [
      eventJson(id, choice({}, 'stop')),
      eventJson(
        id,
        `"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${tokens},"total_tokens":${tokens + 12}}`,
      ),
      null,
    ],
    content: 0,
  });
  return groups;
}

function writeGroup(s: Stream, group: Stream['groups'][number]): void {
  const hr = process.hrtime.bigint();
  const ns = hr.toString();
  const ms = Number(hr) / 1e6;
  let bytes = '';
  for (const e of group.events) bytes += e === null ? 'data: [DONE]\n\n' : `${e},"sr_write_ns":"${ns}"}\n\n`;
  for (let k = 0; k < group.content; k++) s.writeMs.push(ms);
  s.res.write(bytes);
  // node:http corks the socket on a write until the next tick; this tick may write to hundreds of streams, so
  // without this each write would leave only after all of them, later than the time it carries.
  s.res.socket?.uncork();
}

function finish(s: Stream): void {
  active.delete(s);
  s.res.end();
  ended.push([s.id, Float64Array.from(s.writeMs), s.requestMs]);
}

function schedule(s: Stream): void {
  const slot = Math.max(cursor, Math.floor(s.groups[s.next]!.due));
  const due = wheel.get(slot);
  if (due === undefined) wheel.set(slot, [s]);
  else due.push(s);
}

function tick(): void {
  const now = performance.now();
  for (; cursor <= now; cursor++) {
    const due = wheel.get(cursor);
    if (due === undefined) continue;
    wheel.delete(cursor);
    for (const s of due) {
      if (!active.has(s)) continue; // the client went away
      // Everything due within this slot's millisecond: the next group then lands in a later slot.
      while (s.next < s.groups.length && s.groups[s.next]!.due < cursor + 1) {
        writeGroup(s, s.groups[s.next]!);
        s.next++;
      }
      if (s.next >= s.groups.length) finish(s);
      else schedule(s);
    }
  }
  tickTimer = active.size > 0 ? setTimeout(tick, 1) : null;
}

function handle(res: ServerResponse, requestMs: number): void {
  const id = ++streamCounter;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const s: Stream = { id, res, groups: script(id, performance.now()), next: 0, writeMs: [], requestMs };
  res.on('close', () => active.delete(s));
  if (RATE === 0) {
    for (const g of s.groups) writeGroup(s, g);
    s.next = s.groups.length;
    finish(s);
    return;
  }
  active.add(s);
  schedule(s);
  if (tickTimer === null) tickTimer = setTimeout(tick, 0);
}

const server = http.createServer((req, res) => {
  const requestMs = Number(process.hrtime.bigint()) / 1e6;
  req.resume();
  req.on('end', () => handle(res, requestMs));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  if (process.send) process.send({ type: 'ready', port, realtime });
  else console.log(`listening on ${port}`);
});
process.on('message', (m: { type?: string }) => {
  if (m.type !== 'collect' || !process.send) return;
  process.send({ type: 'streams', streams: ended });
  ended = [];
});
process.on('disconnect', () => process.exit(0));
