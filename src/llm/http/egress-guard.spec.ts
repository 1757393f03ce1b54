import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import os from 'node:os';
import { ProviderError } from '../provider-error';
import {
  EgressBlockedError,
  assertPublicUrl,
  blockedAddressReason,
  blockedHostnameReason,
  egressLookup,
} from './egress-guard';

describe('blockedAddressReason', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['169.254.0.1', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique local (fc00::/7)'],
    ['fd12:3456:789a::1', 'unique local (fc00::/7)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['febf::1', 'link-local (fe80::/10)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['[::1]', 'loopback'],
    // IPv4 embedded in IPv6
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::FFFF:169.254.169.254', 'IPv4-mapped link-local (cloud metadata)'],
    ['0:0:0:0:0:ffff:a00:1', 'IPv4-mapped private'],
    ['64:ff9b::10.0.0.1', 'NAT64 private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 link-local (cloud metadata)'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['::127.0.0.1', 'IPv4-compatible address (loopback)'],
    ['2002:c0a8:0101::1', '6to4 private'],
    // IPv4-translated (SIIT, ::ffff:0:0:0/96): the form the issue found accepted
    ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ['0:0:0:0:ffff:0:a9fe:a9fe', 'IPv4-translated link-local (cloud metadata)'],
    ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
    ['::0.0.0.2', 'IPv4-compatible address (this network)'],
    // Teredo: the client address is stored inverted (~0x80fffffe is 127.0.0.1)
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo loopback'],
    ['2001:0:a00:1::1', 'Teredo server private'],
    ['100::1', 'discard-only (100::/64)'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
  ])('%s is blocked (%s)', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.1',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.1',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
    '::ffff:0:8.8.8.8',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    'fbff::1',
    'fec0::1'.replace('fec0', 'fe00'),
  ])('%s is public', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it.each(['', 'example.com', '1.2.3', '::g', '1:2:3:4:5:6:7:8:9', '256.0.0.1'])(
    'refuses non-addresses: %j',
    (input) => {
      expect(blockedAddressReason(input)).not.toBeNull();
    },
  );
});

describe("this host's own addresses", () => {
  const own = Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal)
    .map((i) => i!.address.split('%')[0]!);

  it('refuses every address of a local interface, public or not', () => {
    // A container or CI runner has at least one non-loopback interface; if not, there is nothing to check.
    for (const address of own) expect(blockedAddressReason(address)).not.toBeNull();
    const v4 = own.find((a) => isIP(a) === 4);
    if (v4) expect(blockedAddressReason(`::ffff:${v4}`)).toMatch(/^IPv4-mapped /);
  });

  it('refuses base URLs with embedded IPv4 forms of loopback', async () => {
    for (const url of [
      'http://[::ffff:0:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
    ]) {
      await expect(assertPublicUrl(url, false)).rejects.toBeInstanceOf(EgressBlockedError);
    }
  });
});

describe('blockedHostnameReason', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'metadata.google.internal', 'metadata'])(
    '%s is blocked',
    (host) => expect(blockedHostnameReason(host)).not.toBeNull(),
  );
  it.each(['api.openai.com', 'localhost.example.com', 'metadata.example.com'])('%s is allowed', (host) =>
    expect(blockedHostnameReason(host)).toBeNull(),
  );
});

describe('assertPublicUrl', () => {
  const resolveTo =
    (...addresses: string[]) =>
    () =>
      Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

  it.each([
    'http://127.0.0.1:8000/v1',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/v1',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[fd00::1]/',
    'http://localhost:11434/v1',
    'http://metadata.google.internal/computeMetadata/v1',
    'http://10.0.0.5/v1',
    'ftp://example.com/',
    'file:///etc/passwd',
    'http://user:pass@example.com/',
    'not a url',
  ])('refuses %s', async (url) => {
    await expect(assertPublicUrl(url, false, resolveTo('8.8.8.8'))).rejects.toBeInstanceOf(
      EgressBlockedError,
    );
  });

  it('refuses a host when any resolved address is private', async () => {
    const error = await assertPublicUrl(
      'https://rebind.example/v1',
      false,
      resolveTo('8.8.8.8', '10.1.2.3'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false, egressCode: 'EGRESS_BLOCKED' });
    expect(error).toMatchObject({ host: 'rebind.example', address: '10.1.2.3' });
  });

  it('accepts public hosts and literal public IPs', async () => {
    await expect(
      assertPublicUrl('https://api.example.com/v1', false, resolveTo('93.184.216.34')),
    ).resolves.toBe(undefined);
    await expect(assertPublicUrl('http://8.8.8.8/v1', false, resolveTo())).resolves.toBeUndefined();
    await expect(assertPublicUrl('http://[2606:4700::1]/v1', false, resolveTo())).resolves.toBeUndefined();
  });

  it('accepts a host that does not resolve now (the connect-time lookup decides)', async () => {
    const fails = () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    await expect(assertPublicUrl('https://not-yet.example/v1', false, fails)).resolves.toBeUndefined();
  });

  it('allows private targets when allowPrivate, but still checks the scheme', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:11434/v1', true)).resolves.toBeUndefined();
    await expect(assertPublicUrl('http://localhost:11434/v1', true)).resolves.toBeUndefined();
    await expect(assertPublicUrl('gopher://127.0.0.1/', true)).rejects.toBeInstanceOf(EgressBlockedError);
  });
});

describe('egressLookup', () => {
  type Result = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };
  const call = (
    lookup: ReturnType<typeof egressLookup>,
    host: string,
    options: { all?: boolean; family?: number } = {},
  ): Promise<Result> =>
    new Promise((resolve) => {
      (lookup as unknown as (h: string, o: object, cb: (...args: unknown[]) => void) => void)(
        host,
        options,
        (error, address, family) => resolve({ error, address, family } as Result),
      );
    });
  const fixed = (addresses: LookupAddress[]) => jest.fn(() => Promise.resolve(addresses));

  it('checks every resolved address, not just the first', async () => {
    const resolve = fixed([
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    const { error } = await call(egressLookup({ allowPrivate: false, resolve }), 'evil.example', {
      all: true,
    });
    expect(error).toBeInstanceOf(EgressBlockedError);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false, address: '169.254.169.254' });
  });

  it('refuses blocked names without resolving them', async () => {
    const resolve = fixed([{ address: '93.184.216.34', family: 4 }]);
    const { error } = await call(egressLookup({ allowPrivate: false, resolve }), 'metadata.google.internal');
    expect(error).toBeInstanceOf(EgressBlockedError);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('returns exactly the addresses it checked, resolving once (pinned)', async () => {
    const resolve = fixed([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const lookup = egressLookup({ allowPrivate: false, resolve });
    expect(await call(lookup, 'ok.example', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await call(lookup, 'ok.example', { family: 4 })).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(resolve).toHaveBeenLastCalledWith('ok.example', { family: 4, all: true });
  });

  it('passes private addresses when allowPrivate', async () => {
    const resolve = fixed([{ address: '10.0.0.7', family: 4 }]);
    expect(await call(egressLookup({ allowPrivate: true, resolve }), 'vllm.internal')).toMatchObject({
      error: null,
      address: '10.0.0.7',
      family: 4,
    });
  });

  it('passes DNS failures through', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const resolve = jest.fn(() => Promise.reject(failure));
    const { error } = await call(egressLookup({ allowPrivate: false, resolve }), 'missing.example');
    expect(error).toBe(failure);
  });
});
