import fc from 'fast-check';
import { ApiError } from '../api-error';
import { pagedCsv, takeFormat, wantsCsv } from './csv-response';
import { CsvWriter, toCsvCell, toCsvRow } from './csv-writer';

/** Minimal RFC 4180 reader, to check that what is written reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('missing final CRLF');
  return rows;
}

describe('toCsvCell', () => {
  it('leaves plain text alone and writes empty fields for null, undefined and non-finite numbers', () => {
    expect(toCsvCell('Acme')).toBe('Acme');
    expect(toCsvCell('')).toBe('');
    expect(toCsvCell(null)).toBe('');
    expect(toCsvCell(undefined)).toBe('');
    expect(toCsvCell(Number.NaN)).toBe('');
    expect(toCsvCell(Number.POSITIVE_INFINITY)).toBe('');
  });

  it('quotes fields with a comma, a quote, CR or LF and doubles inner quotes (RFC 4180)', () => {
    expect(toCsvCell('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(toCsvCell('The "Best" Co')).toBe('"The ""Best"" Co"');
    expect(toCsvCell('a\nb')).toBe('"a\nb"');
    expect(toCsvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(toCsvCell('"')).toBe('""""');
  });

  it('defuses text that a spreadsheet would evaluate as a formula', () => {
    expect(toCsvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(toCsvCell('+1')).toBe("'+1");
    expect(toCsvCell('-5')).toBe("'-5");
    expect(toCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(toCsvCell('\tcmd')).toBe("'\tcmd");
    expect(toCsvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(toCsvCell('a=b')).toBe('a=b');
  });

  it('writes numbers as numbers, negative ones included', () => {
    expect(toCsvCell(-500)).toBe('-500');
    expect(toCsvCell(-0.25)).toBe('-0.25');
    expect(toCsvCell(0)).toBe('0');
    expect(toCsvCell(0.954413)).toBe('0.954413');
    expect(toCsvCell(100000)).toBe('100000');
  });

  it('writes booleans and dates', () => {
    expect(toCsvCell(true)).toBe('true');
    expect(toCsvCell(false)).toBe('false');
    expect(toCsvCell(new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02T03:04:05.678Z');
  });
});

describe('toCsvRow', () => {
  it('joins with commas and ends with CRLF', () => {
    expect(toCsvRow(['a', 1, null, 'b,c', -2])).toBe('a,1,,"b,c",-2\r\n');
    expect(toCsvRow([])).toBe('\r\n');
  });

  it('reads back as written for any text that does not start a formula', () => {
    const text = fc.string({ unit: 'binary' }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (cells) => {
        expect(parseCsv(toCsvRow(cells))).toEqual([cells]);
      }),
    );
  });

  it('reads back formula-like text with exactly one leading quote added', () => {
    fc.assert(
      fc.property(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), fc.string(), (lead, rest) => {
        expect(parseCsv(toCsvRow([lead + rest]))).toEqual([[`'${lead}${rest}`]]);
      }),
    );
  });
});

describe('CsvWriter', () => {
  const writer = new CsvWriter<{ name: string; n: number | null }>([
    { name: 'brand_name', value: (r) => r.name },
    { name: 'n', value: (r) => r.n },
  ]);

  it('writes a header row first, then one row per record', () => {
    expect(writer.columnNames).toEqual(['brand_name', 'n']);
    expect(
      writer.document([
        { name: 'A', n: 1 },
        { name: 'B, "b"', n: null },
      ]),
    ).toBe('brand_name,n\r\nA,1\r\n"B, ""b""",\r\n');
    expect(writer.document([])).toBe('brand_name,n\r\n');
  });
});

describe('pagedCsv', () => {
  const writer = new CsvWriter<number>([{ name: 'i', value: (r) => r }]);
  const pages = (total: number, size: number) => {
    const fetched: string[] = [];
    const page = (start: number) => ({
      data: Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, k) => start + k),
      nextCursor: start + size < total ? String(start + size) : null,
    });
    const next = (cursor: string) => {
      fetched.push(cursor);
      return Promise.resolve(page(Number(cursor)));
    };
    return { first: page(0), next, fetched };
  };
  const collect = async (it: AsyncIterable<string>) => {
    let out = '';
    for await (const chunk of it) out += chunk;
    return out;
  };

  it('follows cursors to the last page', async () => {
    const p = pages(7, 3);
    const out = await collect(pagedCsv(writer, p.first, p.next));
    expect(out).toBe(['i', 0, 1, 2, 3, 4, 5, 6].map((x) => `${x}\r\n`).join(''));
    expect(p.fetched).toEqual(['3', '6']);
  });

  it('stops at the row cap without fetching further pages', async () => {
    const p = pages(100, 3);
    const out = await collect(pagedCsv(writer, p.first, p.next, 5));
    expect(out).toBe(['i', 0, 1, 2, 3, 4].map((x) => `${x}\r\n`).join(''));
    expect(p.fetched).toEqual(['3']);
  });

  it('writes only the header for no rows', async () => {
    const p = pages(0, 3);
    expect(await collect(pagedCsv(writer, p.first, p.next))).toBe('i\r\n');
  });

  it('fetches a page only once the previous chunk is consumed', async () => {
    const p = pages(9, 3);
    const it = pagedCsv(writer, p.first, p.next);
    await it.next(); // header
    await it.next(); // first page
    expect(p.fetched).toEqual([]);
    await it.next();
    expect(p.fetched).toEqual(['3']);
  });
});

describe('format selection', () => {
  const req = (accept: string | undefined) => ({
    accepts: (types: string[]) => {
      if (!accept || accept.includes('*/*')) return types[0]!;
      return types.find((t) => accept.includes(t)) ?? false;
    },
  });

  it('splits format off the query and validates it', () => {
    expect(takeFormat({ projectId: 'p', format: 'csv' })).toEqual({
      format: 'csv',
      rest: { projectId: 'p' },
    });
    expect(takeFormat({ projectId: 'p' })).toEqual({ format: undefined, rest: { projectId: 'p' } });
    expect(takeFormat(undefined)).toEqual({ format: undefined, rest: {} });
    expect(() => takeFormat({ format: 'xml' })).toThrow(ApiError);
  });

  it('lets format win over Accept, and negotiates on Accept otherwise', () => {
    expect(wantsCsv('csv', req('application/json') as never)).toBe(true);
    expect(wantsCsv('json', req('text/csv') as never)).toBe(false);
    expect(wantsCsv(undefined, req('text/csv') as never)).toBe(true);
    expect(wantsCsv(undefined, req('*/*') as never)).toBe(false);
    expect(wantsCsv(undefined, req(undefined) as never)).toBe(false);
  });
});
