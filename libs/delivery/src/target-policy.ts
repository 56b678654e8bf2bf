import ipaddr from 'ipaddr.js';

/**
 * Target safety (SPEC §5.5): which addresses a webhook may reach. Everything but
 * global unicast is refused unless an allow-listed CIDR opens it
 * (HOOKLINE_ALLOWED_TARGET_CIDRS); cloud metadata addresses are refused even
 * then, in every form (mapped, NAT64, 6to4). Used at validation for literal
 * hosts and, by the delivery client, for every resolved address at connect time.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'metadata'
  | 'reserved'
  | 'invalid';

/** Cloud instance-metadata endpoints: refused always, whatever HOOKLINE_ALLOWED_TARGET_CIDRS opens. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean
  '169.254.170.2', // AWS ECS task metadata
  '169.254.169.253', // AWS DNS resolver
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer (a public address)
  '192.0.0.192', // Oracle Cloud
  'fd00:ec2::254', // AWS IPv6 IMDS
  'fd20:ce::254', // GCP IPv6 metadata
]);

/** Host names that mean a local or metadata target whatever DNS says. */
const BLOCKED_HOSTNAMES = [/^localhost\.?$/i, /\.localhost\.?$/i, /^metadata\.google\.internal\.?$/i, /^metadata\.?$/i, /^instance-data\.?$/i];

const V4_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'cgnat',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

const V6_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  uniqueLocal: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
};

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // Only canonical forms here: alternate IPv4 spellings are normalised by the
  // WHATWG URL parser before they reach this function.
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare)) return null;
  return ipaddr.parse(bare);
}

/** The IPv4 address an IPv6 address stands for: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16). */
function embeddedV4(addr: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = addr.range();
  const b = addr.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6052') return new ipaddr.IPv4(b.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  // Deprecated IPv4-compatible form ::a.b.c.d
  if (b.slice(0, 12).every((x) => x === 0) && !(b[12] === 0 && b[13] === 0 && b[14] === 0)) return new ipaddr.IPv4(b.slice(12, 16));
  return null;
}

export function classifyAddress(ip: string): AddressClass {
  const addr = parse(ip);
  if (!addr) return 'invalid';
  if (METADATA_ADDRESSES.has(addr.toNormalizedString()) || METADATA_ADDRESSES.has(addr.toString())) return 'metadata';
  if (addr.kind() === 'ipv4') return V4_CLASSES[addr.range()] ?? 'reserved';
  const v6 = addr as ipaddr.IPv6;
  const v4 = embeddedV4(v6);
  if (v4) return classifyAddress(v4.toString());
  return V6_CLASSES[v6.range()] ?? 'reserved';
}

export class TargetPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(allowedCidrs: readonly string[] = []) {
    this.allowed = allowedCidrs.map((c) => ipaddr.parseCIDR(c));
  }

  /** Whether a connection to this resolved address may be made. */
  isAllowedAddress(ip: string): { allowed: boolean; class: AddressClass } {
    const cls = classifyAddress(ip);
    // No allow-list opens these: `0.0.0.0/0` or `169.254.0.0/16` must not reach the metadata service.
    if (cls === 'invalid' || cls === 'metadata') return { allowed: false, class: cls };
    if (cls === 'public' || this.inAllowList(ip)) return { allowed: true, class: cls };
    return { allowed: false, class: cls };
  }

  private inAllowList(ip: string): boolean {
    const addr = parse(ip);
    if (!addr) return false;
    const forms: (ipaddr.IPv4 | ipaddr.IPv6)[] = [addr];
    if (addr.kind() === 'ipv6') {
      const v4 = embeddedV4(addr as ipaddr.IPv6);
      if (v4) forms.push(v4);
    }
    return forms.some((a) => this.allowed.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits)));
  }

  /**
   * Validation-time check of a URL whose host is literal (SPEC §5.5). Returns a
   * reason when refused, or null. Host names other than the reserved local ones
   * are checked again at connect time, after DNS.
   */
  checkLiteralHost(hostname: string): string | null {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (BLOCKED_HOSTNAMES.some((re) => re.test(host))) {
      return this.inAllowList('127.0.0.1') && /localhost/i.test(host) ? null : `host "${hostname}" is a local or metadata name`;
    }
    const cls = classifyAddress(host);
    if (cls === 'invalid') return null; // a DNS name: checked when it resolves
    const verdict = this.isAllowedAddress(host);
    return verdict.allowed ? null : `address ${hostname} is ${describe(verdict.class)} and not allowed (HOOKLINE_ALLOWED_TARGET_CIDRS opens ranges)`;
  }
}

function describe(cls: AddressClass): string {
  return (
    {
      loopback: 'a loopback address',
      private: 'a private address',
      'link-local': 'a link-local address',
      cgnat: 'a carrier-grade NAT address',
      multicast: 'a multicast address',
      unspecified: 'the unspecified address',
      broadcast: 'the broadcast address',
      metadata: 'a cloud metadata address',
      reserved: 'a reserved address',
    } as Record<string, string>
  )[cls] ?? cls;
}
