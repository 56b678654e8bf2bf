import { MicroBatcher } from './micro-batcher';

describe(MicroBatcher.name, () => {
  it('serves concurrent calls with one flush, results in order', async () => {
    const flushes: number[][] = [];
    const sut = new MicroBatcher<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => i * 2);
    });
    const results = await Promise.all([1, 2, 3].map((i) => sut.submit(i)));
    expect(results).toEqual([2, 4, 6]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('flushes at maxSize without waiting', async () => {
    const flushes: number[][] = [];
    const sut = new MicroBatcher<number, number>(async (items) => (flushes.push(items), items), 2, 10_000);
    await Promise.all([sut.submit(1), sut.submit(2)]);
    expect(flushes).toEqual([[1, 2]]);
  });

  it('rejects every caller of a failed batch, and keeps serving later ones', async () => {
    let fail = true;
    const sut = new MicroBatcher<number, number>(async (items) => {
      if (fail) throw new Error('db down');
      return items;
    });
    const a = sut.submit(1);
    const b = sut.submit(2);
    await expect(a).rejects.toThrow('db down');
    await expect(b).rejects.toThrow('db down');
    fail = false;
    await expect(sut.submit(3)).resolves.toBe(3);
  });

  it('rejects when a flush returns the wrong number of results', async () => {
    const sut = new MicroBatcher<number, number>(async () => [1]);
    await expect(Promise.all([sut.submit(1), sut.submit(2)])).rejects.toThrow(/2 items/);
  });
});
