import { MAX_PRIORITY, prioritiesFrom } from './fair-order';

describe('prioritiesFrom', () => {
  it('gives each job the tag after the deliveries of the jobs before it, capped at BullMQ\'s largest priority', () => {
    expect(prioritiesFrom(100, [50, 50, 3])).toEqual([101, 151, 201]);
    expect(prioritiesFrom(MAX_PRIORITY - 10, [50, 1])).toEqual([MAX_PRIORITY - 9, MAX_PRIORITY]);
    expect(prioritiesFrom(0, [])).toEqual([]);
  });
});
