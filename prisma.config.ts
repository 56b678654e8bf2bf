import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma CLI downloads a native schema engine unless this variable names an
// executable. Ours speaks the same interface over the WebAssembly engine that
// ships in the `prisma` package, so the CLI works offline (docs/prisma-offline.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'prisma', 'engine', 'schema-engine.mjs');
process.env.CHECKPOINT_DISABLE ??= '1';
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  // Not env(): that throws when the variable is unset, which breaks
  // `postinstall` (prisma generate) on a fresh clone.
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
