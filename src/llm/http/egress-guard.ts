import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ProviderError } from '../provider-error';

/**
 * Egress rules for user-configured base URLs (SSRF): no loopback, private, link-local (cloud metadata),
 * CGNAT, multicast or reserved destinations unless the deployment explicitly allows private targets.
 *
 * Two layers:
 * - `assertPublicUrl` at engine create/update time, for a clear 400 early;
 * - `egressLookup` as node:http's `lookup` hook at connect time, the layer that actually protects: every
 *   address DNS returns is checked, and node connects only to addresses from that same, checked answer, so
 *   a rebinding DNS cannot swap in a private address between check and connect.
 *
 * node:net never calls `lookup` for a literal-IP host, so literal IPs must be checked before connecting
 * (`assertPublicHost`).
 */

export const EGRESS_BLOCKED = 'EGRESS_BLOCKED';

/** A refused destination: a non-retryable `invalid_request` that also says why (`egressCode`). */
export class EgressBlockedError extends ProviderError {
  readonly egressCode = EGRESS_BLOCKED;

  constructor(
    message: string,
    readonly host: string,
    readonly address?: string,
  ) {
    super('invalid_request', message, { retryable: false });
  }
}

export interface EgressOptions {
  allowPrivate: boolean;
  /** DNS resolution, all addresses; defaults to dns.lookup. Injectable for tests. */
  resolve?: (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;
}

const BLOCKED_HOSTNAMES = new Set(['localhost', 'metadata.google.internal', 'metadata']);

/** Why a hostname is refused by name alone (before any DNS), or null. */
export function blockedHostnameReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (BLOCKED_HOSTNAMES.has(name) || name.endsWith('.localhost')) return `host name ${name} is not allowed`;
  return null;
}

interface Range4 {
  base: number;
  bits: number;
  label: string;
}

const v4 = (cidr: string, label: string): Range4 => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { base: parseIpv4(address) as number, bits: Number(bits), label };
};

const BLOCKED_V4: readonly Range4[] = [
  v4('0.0.0.0/8', 'this network'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local (cloud metadata)'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
  v4('255.255.255.255/32', 'broadcast'),
];

/** Why an IPv4 or IPv6 address is refused, or null when it is public. Non-IP input is refused. */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.split('%')[0] ?? '');
  if (family === 4) return blockedV4Reason(parseIpv4(bare) as number);
  if (family === 6) return blockedV6Reason(bare);
  return 'not an IP address';
}

export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== null;
}

function blockedV4Reason(value: number): string | null {
  for (const range of BLOCKED_V4) {
    const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
    if ((value & mask) >>> 0 === (range.base & mask) >>> 0) return range.label;
  }
  return null;
}

function blockedV6Reason(address: string): string | null {
  const words = parseIpv6(address);
  if (words === null) return 'unparseable IPv6 address';
  const embeddedV4 = ((words[6] as number) * 0x10000 + (words[7] as number)) >>> 0;
  const zeroUpTo = (n: number): boolean => words.slice(0, n).every((w) => w === 0);
  // ::/96 covers :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible ::a.b.c.d.
  if (zeroUpTo(6)) {
    if (words[6] === 0 && words[7] === 0) return 'unspecified';
    if (words[6] === 0 && words[7] === 1) return 'loopback';
    return `IPv4-compatible address (${blockedV4Reason(embeddedV4) ?? 'deprecated'})`;
  }
  // ::ffff:a.b.c.d (IPv4-mapped): the OS connects to the IPv4 address.
  if (zeroUpTo(5) && words[5] === 0xffff) return mappedReason('IPv4-mapped', embeddedV4);
  // 64:ff9b::/96 (well-known NAT64 prefix): a NAT64 gateway forwards to the embedded IPv4 address.
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0))
    return mappedReason('NAT64', embeddedV4);
  // 64:ff9b:1::/48 (local-use NAT64): the embedded position varies, so the whole prefix is refused.
  if (words[0] === 0x64 && words[1] === 0xff9b && words[2] === 1) return 'local-use NAT64';
  // 2002::/16 (6to4) embeds an IPv4 address in bits 16..47.
  if (words[0] === 0x2002) {
    const sixToFour = ((words[1] as number) * 0x10000 + (words[2] as number)) >>> 0;
    return mappedReason('6to4', sixToFour);
  }
  const first = words[0] as number;
  if ((first & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)';
  if ((first & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)';
  if ((first & 0xffc0) === 0xfec0) return 'site-local (fec0::/10, deprecated)';
  if ((first & 0xff00) === 0xff00) return 'multicast (ff00::/8)';
  return null;
}

function mappedReason(kind: string, embeddedV4: number): string | null {
  const reason = blockedV4Reason(embeddedV4);
  return reason === null ? null : `${kind} ${reason}`;
}

/** Dotted-quad only (what dns.lookup and the URL parser produce); null otherwise. */
function parseIpv4(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

/** Eight 16-bit words, or null. Accepts `::` compression, a trailing dotted quad and a `%zone`. */
function parseIpv6(input: string): number[] | null {
  let address = input.split('%')[0] ?? '';
  const lastColon = address.lastIndexOf(':');
  if (address.includes('.', lastColon)) {
    // A trailing dotted quad is two words: rewrite it in hex so the parse below stays regular.
    const quad = parseIpv4(address.slice(lastColon + 1));
    if (quad === null) return null;
    address = `${address.slice(0, lastColon + 1)}${(quad >>> 16).toString(16)}:${(quad & 0xffff).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string | undefined): number[] | null => {
    if (half === undefined || half === '') return [];
    const words: number[] = [];
    for (const word of half.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(word)) return null;
      words.push(parseInt(word, 16));
    }
    return words;
  };
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  if (head === null || rest === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - rest.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

const defaultResolve = (hostname: string, options: LookupAllOptions): Promise<LookupAddress[]> =>
  dns.promises.lookup(hostname, options);

/**
 * node:http `lookup` hook. Resolves all addresses once, refuses the connection when the host name or ANY
 * address is blocked (unless allowPrivate), and hands node exactly the addresses it checked. The refusal is
 * an `EgressBlockedError` (a ProviderError 'invalid_request', non-retryable); StreamingHttpClient keeps a
 * ProviderError from the lookup as the request's verdict.
 */
export function egressLookup(options: EgressOptions): LookupFunction {
  const resolve = options.resolve ?? defaultResolve;
  const lookup = (
    hostname: string,
    lookupOptions: LookupOptions | number | undefined,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    const opts: LookupOptions =
      typeof lookupOptions === 'number' ? { family: lookupOptions } : { ...lookupOptions };
    const wantsAll = opts.all === true;
    const nameReason = options.allowPrivate ? null : blockedHostnameReason(hostname);
    if (nameReason !== null) {
      process.nextTick(() => callback(new EgressBlockedError(`egress blocked: ${nameReason}`, hostname), ''));
      return;
    }
    resolve(hostname, { ...opts, all: true }).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no addresses for ${hostname}`);
          error.code = 'ENOTFOUND';
          return callback(error, '');
        }
        if (!options.allowPrivate) {
          for (const { address } of addresses) {
            const reason = blockedAddressReason(address);
            if (reason !== null)
              return callback(
                new EgressBlockedError(
                  `egress blocked: ${hostname} resolves to a ${reason} address`,
                  hostname,
                  address,
                ),
                '',
              );
          }
        }
        // Pinned: node connects only to addresses from this checked answer; it never resolves again.
        if (wantsAll)
          return callback(
            null,
            addresses.map((a) => ({ address: a.address, family: a.family })),
          );
        const [first] = addresses as [LookupAddress];
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  return lookup;
}

/**
 * Synchronous check of a URL's host without DNS: blocked names and blocked literal IPs (the URL parser has
 * already normalized decimal/hex/octal IPv4 forms to dotted quads). Needed at request time too, because
 * node never calls the lookup hook for a literal IP.
 */
export function assertPublicHost(url: URL, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const reason = blockedAddressReason(host);
    if (reason !== null)
      throw new EgressBlockedError(`egress blocked: ${host} is a ${reason} address`, host, host);
    return;
  }
  const nameReason = blockedHostnameReason(host);
  if (nameReason !== null) throw new EgressBlockedError(`egress blocked: ${nameReason}`, host);
}

/**
 * Validates a base URL at engine create/update time: http(s) only, no embedded credentials, and (unless
 * allowPrivate) no blocked host name, literal IP or resolved address. A host that does not resolve right
 * now is accepted: the connect-time lookup hook is the binding check. Throws EgressBlockedError.
 */
export async function assertPublicUrl(
  url: string,
  allowPrivate: boolean,
  resolve: EgressOptions['resolve'] = defaultResolve,
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EgressBlockedError('base URL is not a valid URL', '');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new EgressBlockedError(`unsupported URL scheme ${parsed.protocol}`, parsed.hostname);
  if (parsed.username !== '' || parsed.password !== '')
    throw new EgressBlockedError('base URL must not contain credentials', parsed.hostname);
  assertPublicHost(parsed, allowPrivate);
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host, { all: true });
  } catch {
    return;
  }
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason !== null)
      throw new EgressBlockedError(`egress blocked: ${host} resolves to a ${reason} address`, host, address);
  }
}
