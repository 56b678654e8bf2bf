import 'reflect-metadata';
import { startApi } from '../../apps/api/src/app.factory';

/**
 * The API with a fault armed, for the chaos test of a crash between commit and
 * enqueue: the process ends (exit 137, as after SIGKILL) right after an ingest
 * commits. Test code only, built by scripts/test.sh (`nest build faulty-api`);
 * no setting of the real API can do this.
 */
startApi({
  ingestFaults: {
    enqueue: true,
    afterCommit: () => {
      process.stderr.write('test fault: crashing after commit\n');
      process.exit(137);
    },
  },
}).catch((err) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
