import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@hookline/config';
import { JsonLogger } from '@hookline/common';
import { WorkerLifecycle } from './worker.lifecycle';
import { WorkerModule } from './worker.module';

async function main() {
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new JsonLogger((process.env.LOG_LEVEL as 'info') ?? 'info') });
  // Not app.enableShutdownHooks(): on SIGTERM/SIGINT the in-flight attempts must
  // finish first (drain), then the context closes (hooks run), then exit 0.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Worker').log({ msg: 'shutdown requested', signal });
    try {
      await app.get(WorkerLifecycle).drain();
      await app.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: `shutdown failed: ${(err as Error).message}` }) + '\n');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: message }) + '\n');
  process.exit(1);
});
