import { Injectable } from '@nestjs/common';
import { SqlPool } from '../sql-pool';

export type UpkeepTask = 'sweep' | 'prune';

/** The `upkeep` table: when each periodic task last started, by the database clock. */
@Injectable()
export class UpkeepRepository {
  constructor(private readonly sql: SqlPool) {}

  /**
   * Takes this period's run of `task`: true for exactly one caller per period,
   * however many workers ask at once (the row lock serialises them, and the
   * losers see the new start time). The first claim of a task creates its row.
   */
  async claimRun(task: UpkeepTask, periodMs: number): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `INSERT INTO upkeep AS u (task, last_started_at) VALUES ($1, now())
       ON CONFLICT (task) DO UPDATE SET last_started_at = now()
       WHERE u.last_started_at <= now() - make_interval(secs => $2)`,
      [task, periodMs / 1000],
    );
    return rowCount === 1;
  }
}
