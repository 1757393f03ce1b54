export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * Estimated cost of one run from its usage and the operator's price table (PRICE_TABLE). Keys are
 * `<provider>:<model>` (most specific) or `<model>`. Null when the model has no price or usage is unknown:
 * an unknown cost is not a zero cost.
 */
export function estimateCostUsd(
  table: Record<string, Price>,
  provider: string,
  model: string,
  usage: { inputTokens?: number; outputTokens?: number } | null,
): string | null {
  const price = table[`${provider}:${model}`] ?? table[model];
  if (!price || !usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return null;
  const usd =
    ((usage.inputTokens ?? 0) * price.inputPerMillion + (usage.outputTokens ?? 0) * price.outputPerMillion) /
    1e6;
  return usd.toFixed(8);
}
