import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Applies the migrations once, to the database scripts/test.sh started (or the
 * DATABASE_URL you exported). Unit specs need no database, but one run covers both.
 */
export default async function globalSetup() {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: run the suite with `npm test`, which starts PostgreSQL and Redis for it');
  }
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
