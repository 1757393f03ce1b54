import { z } from 'zod';

/**
 * Timestamps the API accepts: ISO 8601 with an offset, from 2000-01-01 to 2100-01-01 (exclusive). Nothing
 * is measured outside that range, and year 0 or 275760 overflowed report arithmetic into a 500.
 */
export const API_MIN_TIME = Date.UTC(2000, 0, 1);
export const API_MAX_TIME = Date.UTC(2100, 0, 1);

export const apiDateTime = z.iso.datetime({ offset: true }).refine((v) => {
  const t = Date.parse(v);
  return t >= API_MIN_TIME && t < API_MAX_TIME;
}, 'must be between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z');
