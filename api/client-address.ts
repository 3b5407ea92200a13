/**
 * The address a request came from, for evidence that must not be forged (a
 * signature's IP on the signed PDF). `X-Forwarded-For` is believed only hop
 * by hop from the connection inward: while the address we have is one of the
 * configured proxies (TRUSTED_PROXIES, empty by default), the hop it names
 * before it is taken; the first address that is not a trusted proxy is the
 * client. So a client that sends the header itself changes nothing.
 */
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from './deps';

const lists = new WeakMap<readonly string[], BlockList>();

/** The trusted proxies (addresses or CIDR ranges) as a BlockList, built once per configuration. */
function trustedList(proxies: readonly string[]): BlockList {
  let list = lists.get(proxies);
  if (!list) {
    list = new BlockList();
    for (const entry of proxies) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
    lists.set(proxies, list);
  }
  return list;
}

/** `::ffff:10.0.0.1` is the IPv4 address 10.0.0.1 as an IPv6 socket reports it. */
const normalise = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

function isTrusted(list: BlockList, address: string) {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The client's address by the rule above; `0.0.0.0` without a connection (an in-process request). */
export function resolveClientAddress(connection: string | undefined, forwardedFor: string | undefined, trustedProxies: readonly string[]): string {
  if (!connection) return '0.0.0.0';
  let address = normalise(connection);
  if (!trustedProxies.length || !forwardedFor) return address;
  const list = trustedList(trustedProxies);
  const hops = forwardedFor
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter(Boolean);
  while (hops.length && isTrusted(list, address)) {
    const next = hops.pop()!;
    if (!isIP(next)) break; // a malformed hop: keep the last address we could vouch for
    address = next;
  }
  return address;
}

export function clientAddress(c: Context<AppEnv>): string {
  let connection: string | undefined;
  try {
    connection = getConnInfo(c).remote.address;
  } catch {
    connection = undefined; // no socket: a request made in-process
  }
  return resolveClientAddress(connection, c.req.header('x-forwarded-for'), c.get('deps').config.api.trustedProxies);
}

/** Printable ASCII only, bounded: evidence ends up on a signed PDF's signature page. */
export const printable = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
