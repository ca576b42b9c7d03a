/** How long a request waits for the relay's answer before the caller hears it did not come. */
export const RELAY_ANSWER_TIMEOUT_MS = 15_000;

interface Waiter<T> {
  resolve(answer: T): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests waiting for the relay's answers (PUSH_STATUS, ESCROW_RELEASES). The relay answers one
 * connection's requests of one key (a request type, a slot) in the order it received them, so a
 * queue per key is enough; a closed connection fails whatever is still waiting (the relay may or
 * may not have acted on it).
 */
export class AnswerWaiters<T> {
  private readonly waiting = new Map<string, Waiter<T>[]>();

  /** Sends through `send` (false: not connected) and resolves with the answer given for `key`. */
  request(key: string, send: () => boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      if (!send()) return reject(new Error('Not connected to the relay. Try again when you are online.'));
      const queue = this.waiting.get(key) ?? [];
      this.waiting.set(key, queue);
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new Error('The relay did not answer in time. Try again in a moment.'));
        }, RELAY_ANSWER_TIMEOUT_MS),
      };
      queue.push(waiter);
    });
  }

  /** An answer nobody waits for (injected, or late) is ignored. */
  answer(key: string, value: T): void {
    const waiter = this.waiting.get(key)?.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.resolve(value);
  }

  /** The connection closed: no answer will come for anything sent on it. */
  failAll(): void {
    for (const queue of this.waiting.values()) {
      for (const waiter of queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('The connection to the relay closed before it answered. Try again.'));
      }
    }
  }
}
