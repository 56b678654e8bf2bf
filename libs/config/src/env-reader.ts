import ipaddr from 'ipaddr.js';

export type Env = Record<string, string | undefined>;

/**
 * Reads settings from the environment, collecting every problem instead of
 * stopping at the first, so the operator sees them all at once (parseConfig
 * throws them together). A bad value reads as its default.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(readonly env: Env) {}

  /** A required URL with one of `protocols`. */
  url(name: string, protocols: string[]): string {
    const raw = this.env[name];
    if (!raw) {
      this.problems.push(`${name} is required`);
      return '';
    }
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) this.problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return raw;
  }

  /** An integer in [min, max], or `def` when unset. */
  int(name: string, def: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return def;
    if (!/^\d+$/.test(raw.trim())) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return def;
    }
    const n = Number(raw);
    if (n < min || n > max) this.problems.push(`${name} must be between ${min} and ${max} (got ${n})`);
    return n;
  }

  /** One of `values`, or `def` when unset. */
  oneOf<T extends string>(name: string, values: readonly T[], def: T): T {
    const v = (this.env[name] ?? def) as T;
    if (!values.includes(v)) this.problems.push(`${name} must be ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]} (got "${this.env[name]}")`);
    return v;
  }

  /** A 32-byte key in base64, from the environment or else `fallback` (development keys). */
  key(name: string, fallback?: string): Buffer {
    const raw = this.env[name] ?? fallback;
    if (!raw) {
      this.problems.push(`${name} is required (32 random bytes in base64: openssl rand -base64 32)`);
      return Buffer.alloc(32);
    }
    const buf = Buffer.from(raw, 'base64');
    if (buf.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(raw.trim())) {
      this.problems.push(`${name} must be 32 bytes in base64 (openssl rand -base64 32)`);
      return Buffer.alloc(32);
    }
    return buf;
  }

  /** Comma-separated CIDRs (address/prefix), none when unset. */
  cidrs(name: string): string[] {
    const list = (this.env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const c of list) {
      if (!isCidr(c)) this.problems.push(`${name} has an invalid CIDR "${c}" (expected address/prefix, e.g. 10.0.0.0/8 or fd00::/8)`);
    }
    return list;
  }

  /** Comma-separated non-negative integers (milliseconds), `def` when unset. */
  millisList(name: string, def: string): number[] {
    const raw = this.env[name] ?? def;
    const list = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number);
    if (list.some((n) => !Number.isInteger(n) || n < 0)) this.problems.push(`${name} must be comma-separated non-negative integers (ms) (got "${raw}")`);
    return list;
  }
}

/** An address in canonical form (four decimal parts, or IPv6 without a zone) and a prefix length that fits it. */
function isCidr(value: string): boolean {
  const [addr, bits, ...rest] = value.split('/');
  if (rest.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (ipaddr.IPv4.isValidFourPartDecimal(addr)) return Number(bits) <= 32;
  return !addr.includes('%') && ipaddr.IPv6.isValid(addr) && Number(bits) <= 128;
}
