import { inputIssues, numberProblem, queryEncodingIssues, stringProblem } from './input-rules';

describe('stringProblem', () => {
  it.each([
    ['a\u0000b', 'U+0000'],
    ['\ud800', 'lone surrogate U+D800'],
    ['x\udfffy', 'lone surrogate U+DFFF'],
    ['\u0001', 'U+0001'],
    ['\u001b[2J', 'U+001B'],
    ['\u007f', 'U+007F'],
    ['\u009b', 'U+009B'],
    ['\u202e', 'U+202E'],
    ['\u2069', 'U+2069'],
  ])('refuses %j (%s)', (s, code) => {
    expect(stringProblem(s)).toContain(code);
  });

  it.each([
    '',
    'plain',
    'a\tb\nc\r\n',
    '😀',
    '\ud83d\ude00',
    '\u200f\u200e\u061c',
    '\ufffd',
    'e\u0301',
    '\u00a0',
  ])('accepts %j', (s) => expect(stringProblem(s)).toBeNull());
});

describe('numberProblem', () => {
  it.each([Infinity, -Infinity, NaN, 2 ** 53, -(2 ** 63), 1e300])('refuses %p', (n) =>
    expect(numberProblem(n)).not.toBeNull(),
  );
  it.each([0, -0, 1.5, -1e-300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])('accepts %p', (n) =>
    expect(numberProblem(n)).toBeNull(),
  );
});

describe('inputIssues', () => {
  it('names nested fields, array elements and keys', () => {
    const issues = inputIssues(
      { name: 'ok', aliases: [{ text: 'a' }, { text: 'b\u0000' }], params: { ['k\u202e']: 1, n: Infinity } },
      'body',
    );
    expect(issues.map((i) => i.path)).toEqual([
      'body.aliases.1.text',
      'body.params.k<U+202E>',
      'body.params.n',
    ]);
  });

  it('walks a body nested 100,000 deep without recursion', () => {
    let v: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) v = [v];
    const issues = inputIssues(v, 'body');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toMatch(/^body\.0\.0\..*….*\.0$/);
    expect(issues[0]!.path.length).toBeLessThan(310);
  });

  it('stops at 20 issues', () => {
    expect(
      inputIssues(
        Array.from({ length: 1000 }, () => '\u0000'),
        'body',
      ),
    ).toHaveLength(20);
  });
});

describe('queryEncodingIssues', () => {
  it('refuses percent-encoding that is not UTF-8 and names the parameter', () => {
    expect(queryEncodingIssues('projectId=1&tags=%FF&x=%ED%A0%80&ok=%C3%A9+b').map((i) => i.path)).toEqual([
      'query.tags',
      'query.x',
    ]);
    expect(queryEncodingIssues('%E0%A4%A=1')[0]!.message).toContain('key');
  });
});
