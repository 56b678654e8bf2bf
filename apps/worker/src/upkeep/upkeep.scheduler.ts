import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { UpkeepRepository, UpkeepTask } from '@hookline/db';
import { RetentionService } from '../retention/retention.service';
import { SweeperService } from '../sweeper/sweeper.service';

interface Task {
  name: UpkeepTask;
  periodMs: number;
  run: () => Promise<unknown>;
}

const PRUNE_PERIOD_MS = 3600_000;

/**
 * Periodic upkeep (sweeper with email recovery, retention) on a timer in every
 * worker, with PostgreSQL deciding who runs each period (UpkeepRepository).
 * Nothing of it lives in Redis, so a Redis that comes back empty, fails over
 * or is flushed still gets swept: the timer keeps ticking and the sweeper
 * re-enqueues what Redis lost.
 */
@Injectable()
export class UpkeepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(UpkeepScheduler.name);
  private readonly tickMs: number;
  private readonly tasks: Task[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly upkeep: UpkeepRepository,
    sweeper: SweeperService,
    retention: RetentionService,
    config: ConfigService,
  ) {
    this.tickMs = config.get('sweepIntervalMs');
    this.tasks = [
      { name: 'sweep', periodMs: this.tickMs, run: () => sweeper.sweep() },
      { name: 'prune', periodMs: PRUNE_PERIOD_MS, run: () => retention.prune() },
    ];
  }

  onApplicationBootstrap() {
    this.schedule();
  }

  /** Stops ticking and waits for a tick under way (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, this.tickMs);
    this.timer.unref();
  }

  /** Each task whose period has passed runs here if this worker's claim wins. */
  async tick(): Promise<void> {
    for (const task of this.tasks) {
      try {
        // 90 %: timers drift late, so a worker ticking every period must not miss every other one.
        if (await this.upkeep.claimRun(task.name, task.periodMs * 0.9)) await task.run();
      } catch (err) {
        this.logger.warn({ msg: 'upkeep task failed; the next tick tries again', task: task.name, error: (err as Error).message });
      }
    }
  }
}
