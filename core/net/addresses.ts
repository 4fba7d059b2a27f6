import { BlockList, isIP } from 'node:net';

/**
 * Addresses a company-set URL must never reach: this host, the networks behind it, the cloud
 * metadata services, and addresses that are not one host. IPv4-mapped IPv6 forms
 * (`::ffff:127.0.0.1`) match the IPv4 rules: BlockList compares them as IPv4.
 */
const FORBIDDEN_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF assignments, Oracle cloud metadata (192.0.0.192)
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast 255.255.255.255
];

const FORBIDDEN_V6: [string, number][] = [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64: may reach any IPv4 address, private ones included
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23], // IETF assignments, Teredo
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local, AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
];

const forbidden = new BlockList();
for (const [network, prefix] of FORBIDDEN_V4) forbidden.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of FORBIDDEN_V6) forbidden.addSubnet(network, prefix, 'ipv6');

/** One operator allow-list entry, as OUTBOUND_ALLOW gives it. */
export type AllowEntry = { kind: 'host'; name: string } | { kind: 'subnet'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** A URL's or an operator's host as compared: lower case, no IPv6 brackets, no trailing dot, no zone. */
export function normalizeHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  const zone = name.indexOf('%');
  if (zone !== -1 && isIP(name.slice(0, zone)) === 6) name = name.slice(0, zone);
  return name;
}

/** Parses one entry (`10.0.0.0/8`, `::1`, `pbx.internal`); undefined when it is none of these. */
export function parseAllowEntry(text: string): AllowEntry | undefined {
  const slash = text.indexOf('/');
  const host = normalizeHost(slash === -1 ? text : text.slice(0, slash));
  const version = isIP(host);
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1).trim();
    const prefix = Number(prefixText);
    if (!version || !/^\d{1,3}$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return undefined;
    return { kind: 'subnet', address: host, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  }
  if (version) return { kind: 'subnet', address: host, prefix: version === 4 ? 32 : 128, family: version === 4 ? 'ipv4' : 'ipv6' };
  return HOST_NAME.test(host) ? { kind: 'host', name: host } : undefined;
}

/** Which hosts and addresses are refused, with the operator's exceptions. */
export class AddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly allowed = new BlockList();

  constructor(allow: readonly AllowEntry[] = []) {
    for (const entry of allow) {
      if (entry.kind === 'host') this.hosts.add(entry.name);
      else this.allowed.addSubnet(entry.address, entry.prefix, entry.family);
    }
  }

  /** The operator allowed this host by name: whatever it resolves to is reached. */
  allowsName(host: string): boolean {
    return this.hosts.has(normalizeHost(host));
  }

  /** Why an IP address is refused, or undefined when it may be reached. */
  refusal(address: string): string | undefined {
    const ip = normalizeHost(address);
    const version = isIP(ip);
    if (!version) return 'is not an IP address';
    const family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(ip, family)) return undefined;
    return forbidden.check(ip, family) ? 'is a private, loopback, link-local or reserved address' : undefined;
  }
}
