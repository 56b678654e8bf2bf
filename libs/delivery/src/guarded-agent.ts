import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { TargetPolicy } from './target-policy';

/** A connection refused by the target policy (SPEC §5.5); never retried. */
export class TargetRefusedError extends Error {
  readonly code = 'E_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/**
 * A DNS lookup that checks every address a name resolves to and hands the
 * socket the one it checked, so the connection is pinned to a vetted address
 * (no second resolution an attacker could rebind). A name with any refused
 * address is refused as a whole.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      if (!list.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }));
      for (const a of list) {
        const verdict = policy.isAllowedAddress(a.address);
        if (!verdict.allowed) {
          return callback(new TargetRefusedError(`${hostname} resolves to ${a.address} (${verdict.class}), which is not allowed`));
        }
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

/** Refuses literal IP hosts up front: Node connects to them without any lookup. */
export function assertLiteralAllowed(policy: TargetPolicy, url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const verdict = policy.isAllowedAddress(host);
    if (!verdict.allowed) throw new TargetRefusedError(`address ${host} (${verdict.class}) is not allowed`);
  } else {
    const refused = policy.checkLiteralHost(host);
    if (refused) throw new TargetRefusedError(refused);
  }
}

export interface GuardedAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Keep-alive agents whose every new connection goes through the guarded lookup. */
export function createGuardedAgents(policy: TargetPolicy, maxSockets = 256, keepAlive = true): GuardedAgents {
  const lookup = guardedLookup(policy);
  const common = { keepAlive, keepAliveMsecs: 10_000, maxSockets, maxFreeSockets: 64, scheduling: 'lifo' as const, lookup };
  return { http: new http.Agent(common), https: new https.Agent(common) };
}
