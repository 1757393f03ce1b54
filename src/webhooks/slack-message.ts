// An `alert.triggered` as a Slack incoming-webhook message (docs/alerts.md "Slack"): `text` (the notification
// and fallback line) and Block Kit `blocks` (sections and a context line, mrkdwn). Pure: names and links are
// resolved by the caller.
import { type AlertNotice } from './webhook-notifier.service';

export interface SlackAlertContext {
  projectName: string | null;
  /** Brand names by id (the rule's brand and competitor). */
  brandNames: ReadonlyMap<string, string>;
  /** The web app's base URL (PUBLIC_URL) without a trailing slash; null: no links. */
  appUrl: string | null;
}

interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  { type: 'section'; text: MrkdwnText; fields?: MrkdwnText[] } | { type: 'context'; elements: MrkdwnText[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's limits: 3000 characters in a section's text, 2000 in a field, at most 10 fields. */
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const MAX_URLS = 5;

/** Slack mrkdwn treats `&`, `<` and `>` as control characters (links, mentions): user text is escaped. */
export const escapeMrkdwn = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const mrkdwn = (text: string, max = SECTION_MAX): MrkdwnText => ({ type: 'mrkdwn', text: clip(text, max) });
const field = (label: string, value: string): MrkdwnText => mrkdwn(`*${label}*\n${value}`, FIELD_MAX);

type Figures = Record<string, unknown>;
const num = (f: Figures, k: string): number | null => (typeof f[k] === 'number' ? f[k] : null);
const str = (f: Figures, k: string): string | null => (typeof f[k] === 'string' ? f[k] : null);
const strings = (f: Figures, k: string): string[] =>
  Array.isArray(f[k]) ? f[k].filter((v): v is string => typeof v === 'string') : [];
/** Percent as people read it: at most one decimal (the figures keep six). */
const pct = (v: number | null): string => (v === null ? '?' : `${Number(v.toFixed(1))}%`);
const count = (v: number | null): string => (v === null ? '?' : String(v));

interface Rendered {
  headline: string;
  fields: MrkdwnText[];
}

function render(alert: AlertNotice, brand: string, competitor: string): Rendered {
  const f = alert.figures;
  const hours = num(f, 'windowHours');
  const window = hours === null ? [] : [field('Window', `last ${hours} h, to ${str(f, 'windowEnd') ?? '?'}`)];
  switch (alert.kind) {
    case 'mention_rate_drop':
      return {
        headline:
          `${brand}'s mention rate fell ${count(num(f, 'dropPoints'))} points: ` +
          `${pct(num(f, 'currentRatePercent'))} (n = ${count(num(f, 'currentN'))}) against ` +
          `${pct(num(f, 'previousRatePercent'))} (n = ${count(num(f, 'previousN'))}) in the ${hours ?? '?'} h before`,
        fields: [
          field('Mention rate', `${pct(num(f, 'currentRatePercent'))} (n = ${count(num(f, 'currentN'))})`),
          field(
            'Previous window',
            `${pct(num(f, 'previousRatePercent'))} (n = ${count(num(f, 'previousN'))})`,
          ),
          field(
            'Drop',
            `${count(num(f, 'dropPoints'))} points (threshold ${count(num(f, 'thresholdPoints'))})`,
          ),
          ...window,
        ],
      };
    case 'competitor_overtake':
      return {
        headline:
          `${competitor} now reaches the reader before ${brand} in ${pct(num(f, 'competitorFirstRatePercent'))} ` +
          `of the answers naming both (${count(num(f, 'competitorFirst'))} of ${count(num(f, 'bothMentioned'))}; ` +
          `n = ${count(num(f, 'bothMentioned'))})`,
        fields: [
          field(
            `${competitor} first`,
            `${pct(num(f, 'competitorFirstRatePercent'))} (${count(num(f, 'competitorFirst'))} of ` +
              `n = ${count(num(f, 'bothMentioned'))})`,
          ),
          field(`${brand} first`, pct(num(f, 'brandFirstRatePercent'))),
          field('Threshold', `more than ${pct(num(f, 'thresholdPercent'))}`),
          ...window,
        ],
      };
    case 'above_fold_change': {
      const side = alert.transition === 'entering' ? 'is now above the fold' : 'fell below the fold';
      return {
        headline:
          `${brand} ${side}: above the fold in ${pct(num(f, 'aboveFoldRatePercent'))} of answers ` +
          `(${count(num(f, 'aboveFold'))} of ${count(num(f, 'n'))}; n = ${count(num(f, 'n'))})`,
        fields: [
          field('Above the fold', `${pct(num(f, 'aboveFoldRatePercent'))} (n = ${count(num(f, 'n'))})`),
          field(
            'Threshold',
            `${pct(num(f, 'thresholdPercent'))} ± ${count(num(f, 'hysteresisPoints'))}/2 points (hysteresis)`,
          ),
          ...window,
        ],
      };
    }
    case 'first_own_domain_citation': {
      const urls = strings(f, 'urls');
      const shown = urls.slice(0, MAX_URLS).map((u) => `• ${escapeMrkdwn(u)}`);
      if (urls.length > MAX_URLS) shown.push(`… and ${urls.length - MAX_URLS} more`);
      return {
        headline:
          `${brand}'s own domain is cited for the first time: ${escapeMrkdwn(strings(f, 'domains').join(', '))} ` +
          `(${count(num(f, 'citations'))} citations in one answer; n = 1)`,
        fields: [
          field('Citations', `${count(num(f, 'citations'))} (n = 1 run)`),
          field('URLs', shown.join('\n') || '?'),
        ],
      };
    }
    default:
      return { headline: `${alert.kind} ${alert.transition}`, fields: [] };
  }
}

export function slackAlertMessage(alert: AlertNotice, ctx: SlackAlertContext): SlackMessage {
  const name = (id: string | null, fallback: string) =>
    escapeMrkdwn((id === null ? undefined : ctx.brandNames.get(id)) ?? fallback);
  const brand = name(str(alert.figures, 'brandId'), 'the brand');
  const competitor = name(str(alert.figures, 'competitorId'), 'the competitor');
  const { headline, fields } = render(alert, brand, competitor);
  const rule = escapeMrkdwn(alert.ruleName);
  const project = escapeMrkdwn(ctx.projectName ?? alert.projectId);
  const synthetic = alert.synthetic ? ' [synthetic: demo engine]' : '';
  const runPath = `/p/${alert.projectId}/runs/${alert.runId}`;
  const links = ctx.appUrl
    ? `<${ctx.appUrl}${runPath}|Open the run> · <${ctx.appUrl}/p/${alert.projectId}/alerts|Alert log>`
    : `Run \`${alert.runId}\` (set PUBLIC_URL for links)`;
  return {
    text: clip(`${rule}${synthetic}: ${headline} (project ${project})`, SECTION_MAX),
    blocks: [
      { type: 'section', text: mrkdwn(`:rotating_light: *${rule}*${synthetic}\n${headline}`) },
      {
        type: 'section',
        text: mrkdwn(`*Project* ${project} · *Brand* ${brand}`),
        fields: fields.slice(0, 10),
      },
      { type: 'section', text: mrkdwn(links) },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `streamrank · ${alert.kind} · ${alert.transition} · ${alert.triggeredAt.toISOString()}` +
              (alert.synthetic ? ' · synthetic data (demo engine), not a measurement' : ''),
          ),
        ],
      },
    ],
  };
}
