/**
 * The `domain` of a CitationPart: the URL's host, lower-case, without a leading `www.`. Undefined when the
 * string is not an absolute http(s) URL (the citation is still kept, only unmatched against brand domains).
 */
export function citationDomain(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // URL already lower-cases the host and converts IDNs to punycode; a trailing dot is the same host.
  const host = parsed.hostname.replace(/\.$/, '').replace(/^www\./, '');
  return host === '' ? undefined : host;
}
