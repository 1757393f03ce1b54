import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import os from 'node:os';
import { BlockList, isIP, type LookupFunction } from 'node:net';
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

/** One labelled rule: a `net.BlockList` of the ranges that share a reason. */
interface Rule {
  label: string;
  list: BlockList;
}

const rules = (family: 'ipv4' | 'ipv6', table: readonly [string, string][]): Rule[] => {
  const byLabel = new Map<string, BlockList>();
  for (const [cidr, label] of table) {
    const [network, bits] = cidr.split('/') as [string, string];
    const list = byLabel.get(label) ?? new BlockList();
    list.addSubnet(network, Number(bits), family);
    byLabel.set(label, list);
  }
  return [...byLabel].map(([label, list]) => ({ label, list }));
};

const BLOCKED_V4 = rules('ipv4', [
  ['0.0.0.0/8', 'this network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** Native IPv6 ranges; the forms that embed an IPv4 address are decoded in `blockedV6Reason`. */
const BLOCKED_V6 = rules('ipv6', [
  ['100::/64', 'discard-only (100::/64)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'],
  ['fc00::/7', 'unique local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['fec0::/10', 'site-local (fec0::/10, deprecated)'],
  ['ff00::/8', 'multicast (ff00::/8)'],
]);

const OWN_ADDRESS = 'local interface';
const OWN_ADDRESSES_TTL_MS = 10_000;
let ownAddresses: { list: BlockList; at: number } | null = null;

/**
 * Every address of this host's interfaces (os.networkInterfaces, refreshed every 10 s): a public address
 * of the host reaches the host itself, streamrank's API among its services, as surely as 127.0.0.1 does.
 */
function ownAddressList(): BlockList {
  const now = Date.now();
  if (ownAddresses !== null && now - ownAddresses.at < OWN_ADDRESSES_TTL_MS) return ownAddresses.list;
  const list = new BlockList();
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      const address = entry.address.split('%')[0] ?? '';
      if (isIP(address) === 4) list.addAddress(address, 'ipv4');
      else if (isIP(address) === 6) list.addAddress(address, 'ipv6');
    }
  }
  ownAddresses = { list, at: now };
  return list;
}

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
  const dotted = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
  if (dotted === '255.255.255.255') return 'reserved';
  for (const { label, list } of BLOCKED_V4) if (list.check(dotted, 'ipv4')) return label;
  if (ownAddressList().check(dotted, 'ipv4')) return OWN_ADDRESS;
  return null;
}

/**
 * Every IPv6 form a socket can use to reach an IPv4 address is decoded to that address and judged as it:
 * IPv4-compatible ::/96, IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96 (SIIT), NAT64
 * 64:ff9b::/96, 6to4 2002::/16 and Teredo 2001::/32 (whose client address is stored inverted).
 */
function blockedV6Reason(address: string): string | null {
  const words = parseIpv6(address);
  if (words === null) return 'unparseable IPv6 address';
  const w = (i: number): number => words[i] as number;
  const embeddedV4 = (w(6) * 0x10000 + w(7)) >>> 0;
  const zeroUpTo = (n: number): boolean => words.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(6)) {
    if (w(6) === 0 && w(7) === 0) return 'unspecified';
    if (w(6) === 0 && w(7) === 1) return 'loopback';
    return `IPv4-compatible address (${blockedV4Reason(embeddedV4) ?? 'deprecated'})`;
  }
  if (zeroUpTo(5) && w(5) === 0xffff) return mappedReason('IPv4-mapped', embeddedV4);
  if (zeroUpTo(4) && w(4) === 0xffff && w(5) === 0) return mappedReason('IPv4-translated', embeddedV4);
  if (w(0) === 0x64 && w(1) === 0xff9b && words.slice(2, 6).every((x) => x === 0)) {
    return mappedReason('NAT64', embeddedV4);
  }
  // 64:ff9b:1::/48 (local-use NAT64): the embedded position varies, so the whole prefix is refused.
  if (w(0) === 0x64 && w(1) === 0xff9b && w(2) === 1) return 'local-use NAT64';
  if (w(0) === 0x2002) return mappedReason('6to4', (w(1) * 0x10000 + w(2)) >>> 0);
  if (w(0) === 0x2001 && w(1) === 0) {
    const server = mappedReason('Teredo server', (w(2) * 0x10000 + w(3)) >>> 0);
    return server ?? mappedReason('Teredo', ~embeddedV4 >>> 0);
  }
  const canonical = words.map((x) => x.toString(16)).join(':');
  for (const { label, list } of BLOCKED_V6) if (list.check(canonical, 'ipv6')) return label;
  if (ownAddressList().check(canonical, 'ipv6')) return OWN_ADDRESS;
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
            if (reason !== null) {
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
        }
        // Pinned: node connects only to addresses from this checked answer; it never resolves again.
        if (wantsAll) {
          return callback(
            null,
            addresses.map((a) => ({ address: a.address, family: a.family })),
          );
        }
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
    if (reason !== null) {
      throw new EgressBlockedError(`egress blocked: ${host} is a ${reason} address`, host, host);
    }
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
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EgressBlockedError(`unsupported URL scheme ${parsed.protocol}`, parsed.hostname);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new EgressBlockedError('base URL must not contain credentials', parsed.hostname);
  }
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
    if (reason !== null) {
      throw new EgressBlockedError(`egress blocked: ${host} resolves to a ${reason} address`, host, address);
    }
  }
}
