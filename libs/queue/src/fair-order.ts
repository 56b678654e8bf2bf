import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from './redis.provider';
import { QUEUE_PREFIX, QUEUES } from './queues';

/** BullMQ's largest priority (2^21): jobs there are served after all others, first in first out. */
export const MAX_PRIORITY = 2 ** 21;

const KEY = `${QUEUE_PREFIX}:fair`;
/** An idle organization's tag is forgotten after this long; it starts again from the clock. */
const TAG_TTL_SECONDS = 3600;

// KEYS[1] clock, KEYS[2] epoch; ARGV[1] organization, ARGV[2] deliveries, ARGV[3] ttl.
// The organization's next tag is where its last one ended, or the clock if that is later.
const TAKE = `
local epoch = redis.call('GET', KEYS[2]) or '0'
local org = KEYS[1] .. ':' .. epoch .. ':' .. ARGV[1]
local clock = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = tonumber(redis.call('GET', org) or '0')
local start = math.max(clock, last)
redis.call('SET', org, start + tonumber(ARGV[2]), 'EX', tonumber(ARGV[3]))
return start`;

// KEYS[1] clock, KEYS[2] epoch, KEYS[3] waiting list, KEYS[4] prioritized set; ARGV[1] the started job's priority,
// ARGV[2] the attempts waiting in the calling worker. The clock follows the jobs started; when nothing waits behind
// them, in the queue or in that worker (its fetched jobs wait there by tag), every tag starts again from 0.
const ADVANCE = `
if redis.call('LLEN', KEYS[3]) == 0 and redis.call('ZCARD', KEYS[4]) == 0 and tonumber(ARGV[2]) == 0 then
  redis.call('SET', KEYS[1], 0)
  redis.call('INCR', KEYS[2])
  return 0
end
local clock = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > clock then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/**
 * The order of delivery jobs across organizations (docs/delivery.md, "Fair
 * order"): start-time fair queuing on BullMQ priorities. Every organization's
 * deliveries are numbered from a shared virtual clock (the priority of the
 * latest job a worker started): an organization's next tag continues from its
 * last one, or from the clock if it has been idle. A burst of 10 000 takes tags
 * far ahead of the clock; a quiet organization's next event takes the clock's
 * and is served next. Within an organization, tags only grow: its jobs keep
 * their order.
 */
type FairRedis = Redis & {
  fairTake(clock: string, epoch: string, organizationId: number, deliveries: number, ttl: number): Promise<number>;
  fairAdvance(clock: string, epoch: string, wait: string, prioritized: string, priority: number, waitingHere: number): Promise<number>;
};

@Injectable()
export class FairOrder {
  private readonly redis: FairRedis;

  // Defined once: ioredis then runs them by their SHA (EVALSHA) rather than sending the scripts every call.
  constructor(@Inject(REDIS) redis: Redis) {
    if (!('fairTake' in redis)) {
      redis.defineCommand('fairTake', { numberOfKeys: 2, lua: TAKE });
      redis.defineCommand('fairAdvance', { numberOfKeys: 4, lua: ADVANCE });
    }
    this.redis = redis as FairRedis;
  }

  /** BullMQ priorities for an organization's next jobs, of `sizes[i]` deliveries each, in order. */
  async priorities(organizationId: number, sizes: number[]): Promise<number[]> {
    return prioritiesFrom(await this.reserve(organizationId, sizes.reduce((a, b) => a + b, 0)), sizes);
  }

  /** Takes the organization's next `deliveries` tags; answers the first. */
  async reserve(organizationId: number, deliveries: number): Promise<number> {
    return Number(await this.redis.fairTake(`${KEY}:clock`, `${KEY}:epoch`, organizationId, deliveries, TAG_TTL_SECONDS));
  }

  /** A worker started a job of this priority (its first attempts got their slots); `waitingHere`: attempts still waiting in that worker. */
  async started(priority: number, waitingHere = 0): Promise<void> {
    const queue = `${QUEUE_PREFIX}:${QUEUES.delivery}`;
    await this.redis.fairAdvance(`${KEY}:clock`, `${KEY}:epoch`, `${queue}:wait`, `${queue}:prioritized`, priority, waitingHere);
  }
}

/** The priorities of jobs of `sizes[i]` deliveries each, in order, from tags reserved from `tag` on. */
export function prioritiesFrom(tag: number, sizes: number[]): number[] {
  return sizes.map((n) => {
    const priority = Math.min(MAX_PRIORITY, tag + 1);
    tag += n;
    return priority;
  });
}
