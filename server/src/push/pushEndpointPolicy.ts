import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where the relay may POST a push (PROTOCOL.md §3, PUSH_SUBSCRIBE). A push endpoint comes from a
 * client, so without these rules anyone in a room could make the relay send requests to any
 * address it can reach, its own network included (server-side request forgery).
 */
export interface PushEndpointPolicy {
  /** Host names the relay posts to: exact names, or `*.example.com` for any name under it. */
  readonly allowedHosts: readonly string[];
  /**
   * Also post to loopback and private addresses. For tests with a local push endpoint only: never
   * in production, where it would open the relay's own network to the room's members.
   */
  readonly allowPrivateAddresses: boolean;
}

/** The push services of Chrome/Edge/Opera/Samsung (FCM), Firefox (Mozilla autopush), Safari (Apple) and legacy Edge (WNS). */
export const DEFAULT_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

export type EndpointVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly problem: 'bad' | 'not-allowed'; readonly reason: string };

function hostMatches(host: string, pattern: string): boolean {
  const wanted = pattern.toLowerCase();
  if (!wanted.startsWith('*.')) return host === wanted;
  return host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1;
}

/** The URL's host as a name or an address literal (an IPv6 literal without its brackets). */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

/** The endpoint's form and host: a URL, https, no credentials, a host on the list. */
export function checkEndpointUrl(endpoint: string, policy: PushEndpointPolicy): EndpointVerdict {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, problem: 'bad', reason: 'not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'not-allowed', reason: 'not https' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'bad', reason: 'credentials in the URL' };
  const host = hostOf(url);
  if (!policy.allowedHosts.some((pattern) => hostMatches(host, pattern))) return { ok: false, problem: 'not-allowed', reason: 'host not on the list of push services' };
  return { ok: true, url };
}

/** Public unicast only: no loopback, private, link-local, carrier-grade NAT, multicast or reserved range. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is the private IPv4 address in disguise.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export function addressAllowed(address: string, policy: PushEndpointPolicy): boolean {
  return policy.allowPrivateAddresses || isPublicAddress(address);
}

/**
 * Every address the endpoint's host resolves to must be public (unless the policy allows private
 * ones): checked when a subscription arrives, so its sender hears at once, and again at each
 * connection through `createGuardedLookup`, so a name that later resolves elsewhere gains nothing.
 */
export async function checkEndpointAddresses(url: URL, policy: PushEndpointPolicy): Promise<EndpointVerdict> {
  let addresses: string[];
  try {
    // An address literal resolves to itself, without asking DNS.
    addresses = (await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(hostOf(url), { all: true }, (error, found) => (error ? reject(error) : resolve(found))))).map((found) => found.address);
  } catch {
    return { ok: false, problem: 'not-allowed', reason: 'host does not resolve' };
  }
  if (addresses.length === 0 || !addresses.every((address) => addressAllowed(address, policy))) return { ok: false, problem: 'not-allowed', reason: 'not a public address' };
  return { ok: true, url };
}

/** A `lookup` for the push agent's sockets: resolves as usual, then refuses any address the policy forbids. */
export function createGuardedLookup(policy: PushEndpointPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, found) => {
      if (error) return callback(error, '', 0);
      const refused = found.find((entry) => !addressAllowed(entry.address, policy));
      if (found.length === 0 || refused !== undefined) {
        const blocked = Object.assign(new Error(`push endpoint ${hostname} resolves to a non-public address`), { code: 'EPUSHADDRESS' });
        return callback(blocked, '', 0);
      }
      if ((options as { all?: boolean }).all === true) return (callback as unknown as (error: null, list: LookupAddress[]) => void)(null, found);
      const first = found[0]!;
      callback(null, first.address, first.family);
    });
  };
}
