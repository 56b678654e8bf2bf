import { JOB_BACKOFF_CAP_MS, jobBackoff } from './queues';

describe('jobBackoff', () => {
  it('doubles from 1 s and never waits longer than the cap, however many tries', () => {
    for (let made = 1; made <= 40; made++) {
      const ceiling = Math.min(JOB_BACKOFF_CAP_MS, 1000 * 2 ** (made - 1));
      for (let i = 0; i < 20; i++) {
        const d = jobBackoff(made);
        expect(d).toBeLessThanOrEqual(ceiling);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.8));
      }
    }
    expect(JOB_BACKOFF_CAP_MS).toBe(30_000);
  });
});
