/**
 * Fixed-decimal strings for values stored in DECIMAL columns. Storing the string (not a float) means the
 * database, CSV exports and the API all show the same digits, and re-scoring the same run reproduces them.
 */
export class DecimalText {
  /** Exact `numerator / denominator` rounded half-up to `decimals` places (integers only, no float error). */
  static ofRatio(numerator: number, denominator: number, decimals: number): string {
    if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
      throw new RangeError(`cannot format ${numerator}/${denominator} exactly`);
    }
    const negative = numerator < 0;
    const scale = 10n ** BigInt(decimals);
    const scaled =
      (BigInt(Math.abs(numerator)) * scale * 2n + BigInt(denominator)) / (BigInt(denominator) * 2n);
    return DecimalText.fromScaled(scaled, decimals, negative && scaled > 0n);
  }

  /**
   * The exact decimal expansion of a double rounded to `decimals` places (Number#toFixed rounds the exact
   * binary value, ties away from zero), so the same double always yields the same string.
   */
  static ofNumber(value: number, decimals: number): string {
    if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
    const text = value.toFixed(decimals);
    return text.startsWith('-') && /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  }

  /** Multiplies a fixed-decimal string by 10^places by moving the point (exact: no re-rounding). */
  static multiplyByPowerOfTen(text: string, places: number): string {
    const negative = text.startsWith('-');
    const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
    if (fraction.length < places) throw new RangeError(`${text} has fewer than ${places} decimals`);
    const integer = `${whole}${fraction.slice(0, places)}`.replace(/^0+(?=\d)/, '');
    const rest = fraction.slice(places);
    return `${negative ? '-' : ''}${integer}${rest.length > 0 ? `.${rest}` : ''}`;
  }

  private static fromScaled(scaled: bigint, decimals: number, negative: boolean): string {
    const digits = scaled.toString().padStart(decimals + 1, '0');
    const whole = digits.slice(0, digits.length - decimals);
    const fraction = digits.slice(digits.length - decimals);
    return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
  }
}
