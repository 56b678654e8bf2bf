import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonLogger } from '@hookline/common';
import { WorkerLifecycle } from '../../apps/worker/src/worker.lifecycle';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { ApiHarness } from './api-harness';
import { withEnv } from './env';

/** The real worker (same module as main.ts) in-process, with its own settings. */
export class WorkerHarness {
  app: INestApplicationContext;

  static async start(env: Record<string, string> = {}): Promise<WorkerHarness> {
    const h = new WorkerHarness();
    await withEnv({ HOOKLINE_WORKER_METRICS_PORT: '0', ...env }, async () => {
      h.app = await NestFactory.createApplicationContext(WorkerModule, {
        logger: new JsonLogger('info', (line) => void ApiHarness.allLogs.push(line)),
      });
      await h.app.init();
    });
    return h;
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.app.get(type);
  }

  /** As on SIGTERM: in-flight attempts finish, then the context closes. */
  async close() {
    if (!this.app) return;
    await this.app.get(WorkerLifecycle).drain();
    await this.app.close();
  }
}
