import { SharedDeadlines } from './shared-deadlines';

describe(SharedDeadlines.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('gives requests that start within one grain the same signal, and a new one after it', () => {
    const sut = new SharedDeadlines(1000, 10);
    const first = sut.signal();
    jest.advanceTimersByTime(9);
    expect(sut.signal()).toBe(first);
    jest.advanceTimersByTime(1);
    expect(sut.signal()).not.toBe(first);
  });

  it('aborts no sooner than the timeout after the last request of its grain started, and within a grain of it', () => {
    const sut = new SharedDeadlines(1000, 10);
    const signal = sut.signal();
    jest.advanceTimersByTime(9);
    sut.signal(); // the grain's last start
    jest.advanceTimersByTime(1000);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('timeout');
  });
});
