import fc from 'fast-check';
import { type SseEvent, SseDecoder } from './sse-decoder';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Feeds `bytes` cut at the given positions and returns every event plus the end-of-stream result. */
function decode(bytes: Buffer, cuts: number[] = []): { events: SseEvent[]; incomplete: SseEvent | null } {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...decoder.push(bytes.subarray(start)));
  const end = decoder.end();
  return { events: [...events, ...end.events], incomplete: end.incomplete };
}

describe('SseDecoder', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['bare CR', '\r'],
  ])('dispatches events separated by %s', (_name, eol) => {
    const stream = `data: one${eol}${eol}event: update${eol}data: two${eol}data: lines${eol}${eol}`;
    expect(decode(utf8(stream))).toEqual({
      events: [
        { event: 'message', data: 'one' },
        { event: 'update', data: 'two\nlines' },
      ],
      incomplete: null,
    });
  });

  it('ignores comments, drops exactly one leading space, and handles fields without a colon', () => {
    const stream =
      ': keep-alive\n\ndata:no-space\ndata:  two-spaces\ndata\n\nretry: 10\nunknown: x\ndata: y\n\n';
    expect(decode(utf8(stream)).events).toEqual([
      { event: 'message', data: 'no-space\n two-spaces\n' },
      { event: 'message', data: 'y' },
    ]);
  });

  it('does not dispatch an event without data, and resets its name', () => {
    expect(decode(utf8('event: ping\n\ndata: x\n\n')).events).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('keeps the last event id and strips a leading BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('id: 7\ndata: a\n\ndata: b\n\n')]);
    expect(decode(bytes).events).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
    ]);
  });

  it('treats CR at the end of one read and LF at the start of the next as one line ending', () => {
    const bytes = utf8('data: a\r\n\r\ndata: b\r\n\r\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decode(bytes, [cut]).events).toEqual([
        { event: 'message', data: 'a' },
        { event: 'message', data: 'b' },
      ]);
    }
  });

  it('decodes identically when split at every single byte position and every pair of positions', () => {
    const stream = utf8(
      'data: {"content":"Caf\u00e9 \u{1F600} \u6771\u4eac"}\n\n: ping\r\n\r\nevent: e\rdata: x\r\rdata: \u00fc\r\n\r\ndata: [DONE]\n\n',
    );
    const expected = decode(stream);
    expect(expected.events).toHaveLength(4);
    expect(expected.events[0]?.data).toBe('{"content":"Caf\u00e9 \u{1F600} \u6771\u4eac"}');
    for (let i = 0; i <= stream.length; i++) {
      expect(decode(stream, [i])).toEqual(expected);
      for (let j = i; j <= stream.length; j++) expect(decode(stream, [i, j])).toEqual(expected);
    }
  });

  it('decodes one byte per read', () => {
    const stream = utf8('data: \u{1F680}\u00e9\r\n\r\ndata: ok\r\r');
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    expect(decode(stream, cuts).events).toEqual([
      { event: 'message', data: '\u{1F680}\u00e9' },
      { event: 'message', data: 'ok' },
    ]);
  });

  it('round-trips arbitrary events, line endings and read boundaries (property)', () => {
    const lineText = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));
    const eventArb = fc.record({
      name: fc.option(
        lineText.filter((s) => s !== ''),
        { nil: undefined },
      ),
      data: fc.array(lineText, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
    });
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 6 }),
        fc.infiniteStream(eol),
        fc.array(fc.nat(), { maxLength: 8 }),
        (events, endings, rawCuts) => {
          let text = '';
          let previous = '';
          const line = (content: string): void => {
            let ending = endings.next().value as string;
            // `\r` then a blank line ended by `\n` would read as one CRLF: that stream means something else.
            if (previous === '\r' && content === '' && ending === '\n') ending = '\r\n';
            text += content + ending;
            previous = ending;
          };
          for (const event of events) {
            if (event.comment) line(': comment');
            if (event.name !== undefined) line(`event: ${event.name}`);
            for (const data of event.data) line(`data: ${data}`);
            line('');
          }
          const bytes = utf8(text);
          const cuts = rawCuts.map((cut) => (bytes.length === 0 ? 0 : cut % (bytes.length + 1)));
          const result = decode(bytes, cuts);
          expect(result.incomplete).toBeNull();
          expect(result.events).toEqual(
            events.map((event) => ({ event: event.name ?? 'message', data: event.data.join('\n') })),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  describe('end of stream', () => {
    it('reports an event whose blank line never came as incomplete', () => {
      expect(decode(utf8('data: a\n\ndata: b\n'))).toEqual({
        events: [{ event: 'message', data: 'a' }],
        incomplete: { event: 'message', data: 'b' },
      });
    });

    it('reports an unterminated last line as part of the incomplete event', () => {
      expect(decode(utf8('data: a\n\ndata: {"choi')).incomplete).toEqual({
        event: 'message',
        data: '{"choi',
      });
    });

    it('reports nothing incomplete after a trailing comment or blank line', () => {
      expect(decode(utf8('data: a\n\n: bye\n')).incomplete).toBeNull();
      expect(decode(utf8('data: a\n\n')).incomplete).toBeNull();
    });

    it('turns a dangling partial UTF-8 sequence into U+FFFD instead of dropping it', () => {
      const bytes = Buffer.concat([utf8('data: caf'), Buffer.from([0xc3])]);
      expect(decode(bytes).incomplete).toEqual({ event: 'message', data: 'caf\ufffd' });
    });

    it('refuses use after end()', () => {
      const decoder = new SseDecoder();
      decoder.end();
      expect(() => decoder.push(utf8('data: x\n\n'))).toThrow();
    });
  });
});
