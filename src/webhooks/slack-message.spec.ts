import { escapeMrkdwn, slackAlertMessage, type SlackAlertContext } from './slack-message';
import { type AlertNotice } from './webhook-notifier.service';

const alert = (over: Partial<AlertNotice>): AlertNotice => ({
  alertId: 'a1',
  workspaceId: 'w1',
  projectId: 'p1',
  ruleId: 'r1',
  ruleName: 'Rule',
  kind: 'mention_rate_drop',
  transition: 'fired',
  runId: 'run1',
  synthetic: false,
  figures: {},
  triggeredAt: new Date('2026-12-06T12:00:00.000Z'),
  ...over,
});
const ctx = (over: Partial<SlackAlertContext> = {}): SlackAlertContext => ({
  projectName: 'CRM',
  brandNames: new Map([
    ['b1', 'Acme'],
    ['c1', 'Zenith'],
  ]),
  appUrl: 'https://sr.example.com',
  ...over,
});
const texts = (m: ReturnType<typeof slackAlertMessage>): string => JSON.stringify(m.blocks);

describe('slackAlertMessage', () => {
  it('mention_rate_drop: both rates with their n, the drop and the threshold', () => {
    const m = slackAlertMessage(
      alert({
        figures: {
          brandId: 'b1',
          windowHours: 168,
          windowEnd: '2026-12-06T12:00:00.001Z',
          currentRatePercent: 42.5,
          previousRatePercent: 70,
          dropPoints: 27.5,
          thresholdPoints: 20,
          currentN: 40,
          previousN: 38,
        },
      }),
      ctx(),
    );
    expect(m.text).toBe(
      "Rule: Acme's mention rate fell 27.5 points: 42.5% (n = 40) against 70% (n = 38) in the 168 h before (project CRM)",
    );
    expect(m.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Project* CRM · *Brand* Acme' },
      fields: [
        { type: 'mrkdwn', text: '*Mention rate*\n42.5% (n = 40)' },
        { type: 'mrkdwn', text: '*Previous window*\n70% (n = 38)' },
        { type: 'mrkdwn', text: '*Drop*\n27.5 points (threshold 20)' },
        { type: 'mrkdwn', text: '*Window*\nlast 168 h, to 2026-12-06T12:00:00.001Z' },
      ],
    });
    expect(m.blocks[2]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '<https://sr.example.com/p/p1/runs/run1|Open the run> · <https://sr.example.com/p/p1/alerts|Alert log>',
      },
    });
    expect(m.blocks[3]!.type).toBe('context');
  });

  it('competitor_overtake: names both brands, the share with its n, rounded to one decimal', () => {
    const m = slackAlertMessage(
      alert({
        kind: 'competitor_overtake',
        figures: {
          brandId: 'b1',
          competitorId: 'c1',
          competitorFirstRatePercent: 66.666667,
          brandFirstRatePercent: 33.333333,
          thresholdPercent: 50,
          bothMentioned: 12,
          competitorFirst: 8,
        },
      }),
      ctx(),
    );
    expect(m.text).toContain('Zenith now reaches the reader before Acme in 66.7% of the answers naming both');
    expect(m.text).toContain('(8 of 12; n = 12)');
    expect(texts(m)).toContain('*Zenith first*\\n66.7% (8 of n = 12)');
  });

  it('above_fold_change: the side it moved to, the rate with its n', () => {
    const figures = {
      brandId: 'b1',
      aboveFoldRatePercent: 55,
      thresholdPercent: 50,
      hysteresisPoints: 10,
      n: 20,
      aboveFold: 11,
    };
    const entering = slackAlertMessage(
      alert({ kind: 'above_fold_change', transition: 'entering', figures }),
      ctx(),
    );
    expect(entering.text).toContain(
      'Acme is now above the fold: above the fold in 55% of answers (11 of 20; n = 20)',
    );
    const leaving = slackAlertMessage(
      alert({ kind: 'above_fold_change', transition: 'leaving', figures }),
      ctx(),
    );
    expect(leaving.text).toContain('Acme fell below the fold');
  });

  it('first_own_domain_citation: the domains and at most five URLs', () => {
    const urls = Array.from({ length: 7 }, (_, i) => `https://acme.com/${i}`);
    const m = slackAlertMessage(
      alert({
        kind: 'first_own_domain_citation',
        transition: 'first_citation',
        figures: { brandId: 'b1', citations: 7, urls, domains: ['acme.com'] },
      }),
      ctx(),
    );
    expect(m.text).toContain(
      "Acme's own domain is cited for the first time: acme.com (7 citations in one answer; n = 1)",
    );
    const all = texts(m);
    expect(all).toContain('https://acme.com/4');
    expect(all).not.toContain('https://acme.com/5');
    expect(all).toContain('… and 2 more');
  });

  it('escapes user text, labels synthetic data, and names the run without PUBLIC_URL', () => {
    const m = slackAlertMessage(
      alert({ ruleName: '<!channel> & co', synthetic: true, figures: { brandId: 'b9' } }),
      ctx({ appUrl: null, projectName: null, brandNames: new Map([['b9', 'A <b>']]) }),
    );
    expect(m.text).toMatch(/^&lt;!channel&gt; &amp; co \[synthetic: demo engine\]: A &lt;b&gt;'s/);
    expect(m.text).toContain('(project p1)');
    const all = texts(m);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('Run `run1` (set PUBLIC_URL for links)');
    expect(all).toContain('synthetic data (demo engine), not a measurement');
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('keeps within Slack limits: section text at most 3000 characters', () => {
    const m = slackAlertMessage(alert({ ruleName: 'x'.repeat(5000) }), ctx());
    for (const b of m.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  });
});
