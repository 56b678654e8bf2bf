import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@hookline/config';
import { JsonLogger } from '@hookline/common';
import { WorkerModule } from './worker.module';

async function main() {
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new JsonLogger((process.env.LOG_LEVEL as 'info') ?? 'info') });
  // SIGTERM/SIGINT close the context: in-flight work finishes, connections close.
  app.enableShutdownHooks();
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: message }) + '\n');
  process.exit(1);
});
