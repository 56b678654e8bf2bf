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

/** A Prisma client for one command, disconnected when it is done. */
async function withPrisma<T>(fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const prisma = new PrismaClient({ adapter: pgAdapterFor(databaseUrlFrom(), 1) });
  try {
    return await fn(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'rotate-encryption-key') {
    const done = await withPrisma((prisma) => rotateEncryptionKey(prisma, keyFrom('HOOKLINE_PREVIOUS_ENCRYPTION_KEY'), keyFrom('HOOKLINE_ENCRYPTION_KEY')));
    process.stdout.write(`${JSON.stringify(done)}\n`);
    return 0;
  }
  if (command === 'bootstrap') return bootstrapCommand(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

async function bootstrapCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
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
  const result = await withPrisma((prisma) => bootstrap(prisma, org, parent));
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    process.stdout.write(
      `Organization ${result.organizationId} "${org}" created.\n` + `  clientId:     ${result.clientId}\n  clientSecret: ${result.clientSecret}   (shown once)\n`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).message ?? String(err))}\n`);
    process.exit(1);
  },
);
