import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@hookline/config';
import { ConfigService } from '@hookline/config';
import { createApiApp } from './app.factory';

async function main() {
  const app = await createApiApp();
  const port = app.get(ConfigService).get('port');
  await app.listen(port);
  new Logger('Main').log({ msg: 'api listening', port });
}

main().catch((err) => {
  // A bad setting stops the process with a message naming it (SPEC §9).
  const message = err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: message }) + '\n');
  process.exit(1);
});
