import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const PRISMA_CLI = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');

/** Runs the Prisma CLI as a user would (`npx prisma …`), with nothing exported but DATABASE_URL. */
export function prisma(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [PRISMA_CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', DATABASE_URL: process.env.DATABASE_URL!, ...env },
    timeout: 120_000,
  });
}

export { freePort } from '@hookline/common';

/** A built app (dist/) as its own process, its output collected. */
export class AppProcess {
  readonly out: string[] = [];
  readonly child: ChildProcess;
  /** Exit code, or the signal name when the process ended by one (Nest re-raises SIGTERM after its shutdown hooks). */
  readonly exited: Promise<number | string | null>;

  constructor(script: string, args: string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [path.join(ROOT, script), ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv });
    this.child.stdout!.on('data', (d) => this.out.push(String(d)));
    this.child.stderr!.on('data', (d) => this.out.push(String(d)));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? signal)));
  }

  text() {
    return this.out.join('');
  }

  async waitFor(pattern: RegExp, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pattern.test(this.text())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${this.text()}`);
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before ${pattern}; output:\n${this.text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
