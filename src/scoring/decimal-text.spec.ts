import { DecimalText } from './decimal-text';

describe('DecimalText', () => {
  it.each([
    [1, 3, 8, '0.33333333'],
    [2, 3, 8, '0.66666667'],
    [1, 8, 2, '0.13'],
    [0, 5, 8, '0.00000000'],
    [5, 5, 8, '1.00000000'],
    [-1, 8, 2, '-0.13'],
    [7, 2, 0, '4'],
  ])('ofRatio(%i, %i, %i) = %s', (numerator, denominator, decimals, expected) => {
    expect(DecimalText.ofRatio(numerator, denominator, decimals)).toBe(expected);
  });

  it('formats the exact binary value of a double', () => {
    expect(DecimalText.ofNumber(0.5, 10)).toBe('0.5000000000');
    expect(DecimalText.ofNumber(2 ** -1.5, 10)).toBe('0.3535533906');
    expect(DecimalText.ofNumber(-0, 3)).toBe('0.000');
  });

  it('multiplies by a power of ten without rounding again', () => {
    expect(DecimalText.multiplyByPowerOfTen('0.3535533906', 2)).toBe('35.35533906');
    expect(DecimalText.multiplyByPowerOfTen('1.0000000000', 2)).toBe('100.00000000');
    expect(DecimalText.multiplyByPowerOfTen('0.0000000001', 2)).toBe('0.00000001');
    expect(DecimalText.multiplyByPowerOfTen('0.12', 2)).toBe('12');
    expect(() => DecimalText.multiplyByPowerOfTen('0.1', 2)).toThrow(RangeError);
  });

  it('rejects ratios it cannot represent exactly', () => {
    expect(() => DecimalText.ofRatio(1, 0, 2)).toThrow(RangeError);
    expect(() => DecimalText.ofRatio(0.5, 2, 2)).toThrow(RangeError);
  });
});
