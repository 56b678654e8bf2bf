import { parseArgs } from 'node:util';
import { ConfigError, databaseUrlFrom, keyFrom } from '@hookline/config';
import { PrismaClient, pgAdapterFor } from '@hookline/db';
import { bootstrap } from './bootstrap.command';
import { rotateEncryptionKey } from './rotate-key.command';

const USAGE = `Usage:
  hookline bootstrap --org NAME [--parent ORG_ID] [--json]
      Creates an organization and an ORG_ADMIN API client with every permission,
      and prints its credentials (the secret is shown only here).
  hookline rotate-encryption-key
      Re-encrypts every stored secret from HOOKLINE_PREVIOUS_ENCRYPTION_KEY to
      HOOKLINE_ENCRYPTION_KEY (docs/operations.md).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'rotate-encryption-key') {
    const prisma = new PrismaClient({ adapter: pgAdapterFor(databaseUrlFrom(), 1) });
    try {
      const done = await rotateEncryptionKey(prisma, keyFrom('HOOKLINE_PREVIOUS_ENCRYPTION_KEY'), keyFrom('HOOKLINE_ENCRYPTION_KEY'));
      process.stdout.write(`${JSON.stringify(done)}\n`);
      return 0;
    } finally {
      await prisma.$disconnect();
    }
  }
  if (command !== 'bootstrap') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { org: { type: 'string' }, parent: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const org = values.org?.trim();
  if (!org || org.length > 200) {
    process.stderr.write(`--org NAME is required (1 to 200 characters)\n\n${USAGE}\n`);
    return 2;
  }
  const parent = values.parent === undefined ? undefined : Number(values.parent);
  if (parent !== undefined && !(Number.isInteger(parent) && parent > 0)) {
    process.stderr.write('--parent must be an organization id\n');
    return 2;
  }
  const prisma = new PrismaClient({ adapter: pgAdapterFor(databaseUrlFrom(), 1) });
  try {
    const result = await bootstrap(prisma, org, parent);
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      process.stdout.write(
        `Organization ${result.organizationId} "${org}" created.\n` +
          `  clientId:     ${result.clientId}\n  clientSecret: ${result.clientSecret}   (shown once)\n`,
      );
    }
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).message ?? String(err))}\n`);
    process.exit(1);
  },
);
