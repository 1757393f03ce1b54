// Starts a report page's requests as the app boots, in parallel with the session check, instead of after it:
// the same query options the screens use (same keys), so the screens find them in flight or cached. Cookie
// auth does not depend on the check; an expired session still ends on the sign-in page, as it would anyway.
import { reportQuery } from '../filters/range';
import { parseSearchString, validateReportSearch } from '../filters/search';
import { arrivalQuery } from './arrival';
import {
  brandsQuery,
  citationsQuery,
  enginesQuery,
  headToHeadQuery,
  mentionsQuery,
  projectQuery,
  promptsQuery,
  trendQuery,
} from './queries';
import { queryClient } from './query-client';

const REPORT_PAGE = /^\/p\/([^/]+)\/(overview|competitors|sources)\/?$/;

/** True when the location is a report page (and its requests were started). */
export function prefetchReportPage(pathname: string, search: string): boolean {
  const match = REPORT_PAGE.exec(pathname);
  if (!match) return false;
  const projectId = decodeURIComponent(match[1] ?? '');
  const screen = match[2];
  const s = validateReportSearch(parseSearchString(search));
  const q = reportQuery(projectId, s);
  // prefetchQuery never throws (a failure leaves the query to the screen, which shows its error state).
  void queryClient.prefetchQuery(projectQuery(projectId));
  void queryClient.prefetchQuery(brandsQuery(projectId));
  void queryClient.prefetchQuery(enginesQuery());
  void queryClient.prefetchQuery(promptsQuery(projectId));
  void queryClient.prefetchQuery(mentionsQuery(q));
  if (screen === 'overview') void queryClient.prefetchQuery(trendQuery(q, s.bucket ?? 'day'));
  if (screen === 'competitors') {
    void queryClient.prefetchQuery(headToHeadQuery(q));
    void queryClient.prefetchQuery(arrivalQuery(q));
  }
  if (screen === 'sources') void queryClient.prefetchQuery(citationsQuery(q));
  return true;
}
