// Response types of the screens, derived from the generated client (never hand-written).
import type {
  AlertRulesControllerAlertsResponse,
  ReportsControllerCitationsResponse,
  ReportsControllerHeadToHeadResponse,
  ReportsControllerMentionsResponse,
  ReportsControllerTrendResponse,
} from '../../../clients/typescript/types.gen';

export type MentionsReport = ReportsControllerMentionsResponse;
export type MentionsSection = MentionsReport['measured'] | MentionsReport['synthetic'];
export type MentionsBrand = MentionsSection['brands'][number];
export type TrendReport = ReportsControllerTrendResponse;
export type TrendRow = TrendReport['measured'][number];
export type HeadToHeadReport = ReportsControllerHeadToHeadResponse;
export type HeadToHeadPair = HeadToHeadReport['measured'][number];
export type CitationsReport = ReportsControllerCitationsResponse;
export type CitationsSection = CitationsReport['measured'] | CitationsReport['synthetic'];
export type CitedDomain = CitationsSection['domains'][number];
export type CitationsBrand = CitationsSection['brands'][number];
export type AlertEvent = AlertRulesControllerAlertsResponse['data'][number];
export type Interval = { rate: number | null; low: number | null; high: number | null };
