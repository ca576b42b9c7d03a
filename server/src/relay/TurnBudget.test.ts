import { describe, expect, it } from 'vitest';
import { TurnBudget } from './TurnBudget.ts';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnBudget (handshakes per event-loop turn)', () => {
  it('RELAY-11 lets `perTurn` callers through at once and the rest in later turns, first come first served', async () => {
    const budget = new TurnBudget(2);
    const order: number[] = [];
    const callers = Array.from({ length: 5 }, (_, i) => {
      const turn = budget.acquire();
      if (turn === undefined) {
        order.push(i);
        return Promise.resolve();
      }
      return turn.then(() => order.push(i));
    });
    expect(order).toEqual([0, 1]);
    // Other work queued now (as socket I/O would be) runs before the waiting callers all finish.
    let otherWorkRanAt = -1;
    setImmediate(() => (otherWorkRanAt = order.length));
    await Promise.all(callers);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(otherWorkRanAt).toBeLessThan(5);
  });

  it('RELAY-11 a new caller does not overtake those already waiting, and the budget refills each turn', async () => {
    const budget = new TurnBudget(1);
    expect(budget.acquire()).toBeUndefined();
    const waiting = budget.acquire();
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    await nextTurn();
    await nextTurn();
    expect(budget.acquire()).toBeUndefined();
  });
});
