/**
 * Which client address is recorded (api/client-address.ts): X-Forwarded-For
 * is believed only hop by hop from the connection inward, while the address
 * in hand is a trusted proxy; and the TRUSTED_PROXIES variable that lists
 * them (lib/config.ts).
 */
import { resolveClientAddress } from '../../api/client-address';
import { parseConfig } from '../../lib/config';

const FORGED = '203.0.113.77';

describe('resolveClientAddress without trusted proxies', () => {
  it('is the connection’s address whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('198.51.100.20', FORGED, [])).toBe('198.51.100.20');
    expect(resolveClientAddress('198.51.100.20', `${FORGED}, 10.0.0.1`, [])).toBe('198.51.100.20');
    expect(resolveClientAddress('198.51.100.20', undefined, [])).toBe('198.51.100.20');
    expect(resolveClientAddress('2001:db8::5', FORGED, [])).toBe('2001:db8::5');
  });

  it('reports an IPv4-mapped IPv6 connection as its IPv4 address', () => {
    expect(resolveClientAddress('::ffff:198.51.100.20', FORGED, [])).toBe('198.51.100.20');
  });

  it('is 0.0.0.0 without a connection (an in-process request)', () => {
    expect(resolveClientAddress(undefined, FORGED, [])).toBe('0.0.0.0');
    expect(resolveClientAddress(undefined, FORGED, ['10.0.0.0/8'])).toBe('0.0.0.0');
    expect(resolveClientAddress('', FORGED, ['10.0.0.0/8'])).toBe('0.0.0.0');
  });
});

describe('resolveClientAddress behind trusted proxies', () => {
  it('ignores X-Forwarded-For from a connection that is not a trusted proxy', () => {
    expect(resolveClientAddress('198.51.100.20', FORGED, ['10.0.0.1'])).toBe('198.51.100.20');
    expect(resolveClientAddress('10.0.0.2', FORGED, ['10.0.0.1'])).toBe('10.0.0.2');
    expect(resolveClientAddress('11.0.0.1', FORGED, ['10.0.0.0/8'])).toBe('11.0.0.1');
  });

  it('takes the hop a proxy trusted by its exact address names', () => {
    expect(resolveClientAddress('10.0.0.1', '198.51.100.20', ['10.0.0.1'])).toBe('198.51.100.20');
  });

  it('takes the hop a proxy in a trusted range names', () => {
    expect(resolveClientAddress('10.20.30.40', '198.51.100.20', ['10.0.0.0/8'])).toBe('198.51.100.20');
  });

  it('takes the right-most untrusted hop: what the client wrote to the left of it is not believed', () => {
    expect(resolveClientAddress('10.0.0.1', `${FORGED}, 198.51.100.20`, ['10.0.0.0/8'])).toBe('198.51.100.20');
    expect(resolveClientAddress('10.0.0.1', `${FORGED},198.51.100.20`, ['10.0.0.0/8'])).toBe('198.51.100.20');
  });

  it('walks through several trusted proxies in a chain', () => {
    // client 198.51.100.20 → edge 192.0.2.10 → internal 10.1.1.1 → us (connection 10.2.2.2)
    const trusted = ['10.0.0.0/8', '192.0.2.10'];
    expect(resolveClientAddress('10.2.2.2', `${FORGED}, 198.51.100.20, 192.0.2.10, 10.1.1.1`, trusted)).toBe('198.51.100.20');
    // the same chain, each proxy listed on its own
    expect(resolveClientAddress('10.2.2.2', `${FORGED}, 198.51.100.20, 192.0.2.10, 10.1.1.1`, ['10.2.2.2', '10.1.1.1', '192.0.2.10'])).toBe('198.51.100.20');
  });

  it('stops at the first hop that is not trusted, even when a trusted address sits further left', () => {
    expect(resolveClientAddress('10.0.0.1', '10.9.9.9, 198.51.100.20, 10.0.0.5', ['10.0.0.0/8'])).toBe('198.51.100.20');
  });

  it('is the left-most hop when every hop is trusted', () => {
    expect(resolveClientAddress('10.0.0.1', '10.0.0.7, 10.0.0.6, 10.0.0.5', ['10.0.0.0/8'])).toBe('10.0.0.7');
  });

  it('is the connection’s address when a trusted proxy sends no (or an empty) X-Forwarded-For', () => {
    expect(resolveClientAddress('10.0.0.1', undefined, ['10.0.0.0/8'])).toBe('10.0.0.1');
    expect(resolveClientAddress('10.0.0.1', '', ['10.0.0.0/8'])).toBe('10.0.0.1');
    expect(resolveClientAddress('10.0.0.1', ' , ', ['10.0.0.0/8'])).toBe('10.0.0.1');
  });

  it('skips empty entries and spaces between hops', () => {
    expect(resolveClientAddress('10.0.0.1', ' 198.51.100.20 ,, 10.0.0.9 ', ['10.0.0.0/8'])).toBe('198.51.100.20');
  });

  it.each(['not-an-ip', '999.1.1.1', '198.51.100.20:4711', '[2001:db8::1]', 'unknown'])(
    'stops at a malformed hop (%s), keeping the last address vouched for',
    (bad) => {
      expect(resolveClientAddress('10.0.0.1', `${FORGED}, ${bad}`, ['10.0.0.0/8'])).toBe('10.0.0.1');
      expect(resolveClientAddress('10.0.0.1', `${FORGED}, ${bad}, 10.0.0.2`, ['10.0.0.0/8'])).toBe('10.0.0.2');
    },
  );

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, on the connection and in a hop', () => {
    expect(resolveClientAddress('::ffff:10.1.2.3', '198.51.100.20', ['10.0.0.0/8'])).toBe('198.51.100.20');
    expect(resolveClientAddress('::ffff:10.1.2.3', '198.51.100.20', ['10.1.2.3'])).toBe('198.51.100.20');
    expect(resolveClientAddress('10.0.0.1', '::ffff:198.51.100.20', ['10.0.0.0/8'])).toBe('198.51.100.20');
    expect(resolveClientAddress('10.0.0.1', '198.51.100.20, ::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe('198.51.100.20');
    expect(resolveClientAddress('::ffff:11.1.2.3', FORGED, ['10.0.0.0/8'])).toBe('11.1.2.3');
  });

  it('trusts IPv6 proxies by address and by range', () => {
    expect(resolveClientAddress('fd12:3456::1', '2001:db8::42', ['fd00::/8'])).toBe('2001:db8::42');
    expect(resolveClientAddress('::1', '2001:db8::42', ['::1'])).toBe('2001:db8::42');
    expect(resolveClientAddress('fe80::1', '2001:db8::42', ['fd00::/8'])).toBe('fe80::1');
    // an IPv6 chain: client → fd00::a → fd00::b (the connection)
    expect(resolveClientAddress('fd00::b', `${FORGED}, 2001:db8::42, fd00::a`, ['fd00::/8'])).toBe('2001:db8::42');
    // mixed families: an IPv6 proxy forwarding an IPv4 client, behind an IPv4 proxy
    expect(resolveClientAddress('10.0.0.1', '198.51.100.20, fd00::a', ['10.0.0.0/8', 'fd00::/8'])).toBe('198.51.100.20');
  });

  it('does not trust an IPv4 proxy list for IPv6 addresses, nor an IPv6 range for IPv4 ones', () => {
    expect(resolveClientAddress('fd00::1', FORGED, ['10.0.0.0/8'])).toBe('fd00::1');
    expect(resolveClientAddress('10.0.0.1', FORGED, ['fd00::/8'])).toBe('10.0.0.1');
  });

  it('gives the same answer for the same configuration on repeated calls', () => {
    const trusted = ['10.0.0.0/8'];
    expect(resolveClientAddress('10.0.0.1', '198.51.100.20', trusted)).toBe('198.51.100.20');
    expect(resolveClientAddress('10.0.0.1', '198.51.100.21', trusted)).toBe('198.51.100.21');
    expect(resolveClientAddress('11.0.0.1', '198.51.100.21', trusted)).toBe('11.0.0.1');
  });
});

describe('with TRUSTED_PROXIES as the configuration parses it', () => {
  it('works with resolveClientAddress as parsed', () => {
    const { trustedProxies } = parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).api;
    expect(resolveClientAddress('127.0.0.1', `${FORGED}, 198.51.100.20, 10.4.4.4`, trustedProxies)).toBe('198.51.100.20');
    expect(resolveClientAddress('127.0.0.2', `${FORGED}, 198.51.100.20`, trustedProxies)).toBe('127.0.0.2');
  });
});
