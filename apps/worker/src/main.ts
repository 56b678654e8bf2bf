import 'reflect-metadata';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, logLevelFrom } from '@hookline/config';
import { JsonLogger } from '@hookline/common';
import { WorkerLifecycle } from './worker.lifecycle';
import { WorkerModule } from './worker.module';

/**
 * Not app.enableShutdownHooks(): on SIGTERM/SIGINT the in-flight attempts must
 * finish first (drain), then the context closes (hooks run), then exit 0. The
 * handlers are installed before the context exists, so a signal during start-up
 * is honoured once it is up.
 */
let app: INestApplicationContext | null = null;
let requested: string | null = null;
let stopping = false;

async function stop(signal: string) {
  requested = signal;
  if (!app || stopping) return;
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
}

async function main() {
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  app = await NestFactory.createApplicationContext(WorkerModule, { logger: new JsonLogger(logLevelFrom()) });
  if (requested) await stop(requested);
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: message }) + '\n');
  process.exit(1);
});
