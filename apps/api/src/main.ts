import 'reflect-metadata';
import { ConfigError } from '@hookline/config';
import { startApi } from './app.factory';

startApi().catch((err) => {
  // A bad setting stops the process with a message naming it (SPEC §9).
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: message }) + '\n');
  process.exit(1);
});
