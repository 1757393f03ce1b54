import { z } from 'zod';
import { ALERT_RULE_KINDS } from './alert-rule.dto';

/** The preview looks back this far from now. */
export const PREVIEW_DAYS = 30;
/** At most this many landings are evaluated (the newest ones); each costs one or two window queries. */
export const MAX_PREVIEW_LANDINGS = 2000;

const isoTime = z.string();
const figuresSchema = z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())]).nullable());

export const alertPreviewResponseSchema = z.object({
  kind: z.enum(ALERT_RULE_KINDS),
  /** The range looked at: the last 30 days up to now. */
  from: isoTime,
  to: isoTime,
  /** Succeeded runs of the range evaluated in order, as each would have landed. */
  landings: z.number().int(),
  /** Landings where the rule's windows held enough runs (minRuns) to decide. */
  decided: z.number().int(),
  /** More landings than the preview evaluates: only the newest ones were (`from` is then later). */
  truncated: z.boolean(),
  /** Each time the rule would have fired, oldest first, with the figures and window an alert would carry. */
  firings: z.array(
    z.object({
      at: isoTime.describe('The landing run’s request time'),
      runId: z.uuid(),
      synthetic: z.boolean(),
      transition: z.enum(['fired', 'entering', 'leaving', 'first_citation']),
      figures: figuresSchema,
    }),
  ),
  /** Whether the rule would be firing now (after the last landing). */
  firingNow: z.boolean(),
});

export type AlertPreviewView = z.infer<typeof alertPreviewResponseSchema>;
