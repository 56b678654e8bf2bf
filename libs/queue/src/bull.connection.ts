import type { RedisOptions } from 'ioredis';
import { RedisRole, redisOptions } from './redis.provider';

/** ioredis options from a redis:// or rediss:// URL, for BullMQ (which takes options, not URLs). */
export function bullConnection(url: string, role: RedisRole): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    ...redisOptions(role),
  };
}
