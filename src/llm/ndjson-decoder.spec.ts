import { NdjsonDecoder } from './ndjson-decoder';

describe('NdjsonDecoder', () => {
  it('splits lines across reads, keeps split UTF-8 intact and drops blank lines and CRs', () => {
    const bytes = Buffer.from('{"a":"\u00e9"}\r\n\n{"b":"\u{1F600}"}\n', 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new NdjsonDecoder();
      const lines = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      const end = decoder.end();
      expect([...lines, ...end.lines]).toEqual(['{"a":"\u00e9"}', '{"b":"\u{1F600}"}']);
      expect(end.incomplete).toBeNull();
    }
  });

  it('reports a last line without newline as incomplete', () => {
    const decoder = new NdjsonDecoder();
    expect(decoder.push(Buffer.from('{"done":false}\n{"done":tr'))).toEqual(['{"done":false}']);
    expect(decoder.end()).toEqual({ lines: [], incomplete: '{"done":tr' });
  });
});
