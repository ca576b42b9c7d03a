import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnswerWaiters, RELAY_ANSWER_TIMEOUT_MS } from './AnswerWaiters.ts';

describe('AnswerWaiters (the relay answers push and escrow requests in order per key)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('SYNC-27 answers go to the requests of their key in the order sent; an answer nobody waits for is ignored', async () => {
    const waiters = new AnswerWaiters<string>();
    const first = waiters.request('slot-a', () => true);
    const other = waiters.request('slot-b', () => true);
    const second = waiters.request('slot-a', () => true);
    waiters.answer('slot-c', 'stray');
    waiters.answer('slot-a', 'one');
    waiters.answer('slot-b', 'other');
    waiters.answer('slot-a', 'two');
    await expect(Promise.all([first, other, second])).resolves.toEqual(['one', 'other', 'two']);
  });

  it('SYNC-27 not connected, a closed connection and a relay that never answers each reject with a sentence', async () => {
    vi.useFakeTimers();
    const waiters = new AnswerWaiters<string>();
    await expect(waiters.request('k', () => false)).rejects.toThrow('Not connected to the relay');
    const closed = waiters.request('k', () => true);
    waiters.failAll();
    await expect(closed).rejects.toThrow('closed before it answered');
    const silent = waiters.request('k', () => true);
    const rejected = expect(silent).rejects.toThrow('did not answer in time');
    vi.advanceTimersByTime(RELAY_ANSWER_TIMEOUT_MS);
    await rejected;
    // The timed-out request no longer takes the next answer.
    const next = waiters.request('k', () => true);
    waiters.answer('k', 'fresh');
    await expect(next).resolves.toBe('fresh');
  });
});
