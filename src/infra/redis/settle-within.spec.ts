import { settleWithin } from './settle-within';

describe('settleWithin', () => {
  it('returns a result that comes in time, and throws a rejection that comes in time', async () => {
    const late = jest.fn();
    await expect(settleWithin(Promise.resolve(7), 1000, late)).resolves.toEqual({ settled: true, value: 7 });
    await expect(settleWithin(Promise.reject(new Error('no')), 1000, late)).rejects.toThrow('no');
    expect(late).not.toHaveBeenCalled();
  });

  it('goes on at the deadline, and reports how the work ended later', async () => {
    let finish!: (v: number) => void;
    let fail!: (e: Error) => void;
    const late = jest.fn();
    const slow = new Promise<number>((resolve) => (finish = resolve));
    await expect(settleWithin(slow, 5, late)).resolves.toEqual({ settled: false });
    finish(3);
    await slow;
    await new Promise((r) => setImmediate(r));
    expect(late).toHaveBeenCalledWith({ value: 3 });

    const failing = new Promise<number>((_, reject) => (fail = reject));
    await expect(settleWithin(failing, 5, late)).resolves.toEqual({ settled: false });
    const error = new Error('redis gone');
    fail(error);
    await new Promise((r) => setImmediate(r));
    expect(late).toHaveBeenLastCalledWith({ error });
  });
});
