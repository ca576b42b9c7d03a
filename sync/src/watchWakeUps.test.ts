import { describe, expect, it } from 'vitest';
import { watchWakeUps, type WakeUpCause } from './watchWakeUps.ts';

/** A stand-in for `document`: an event target whose visibilityState the test sets. */
function fakePage(): EventTarget & { visibilityState: string } {
  return Object.assign(new EventTarget(), { visibilityState: 'hidden' });
}

describe('wake-ups (SPEC SYNC-26)', () => {
  it('SYNC-26: the network coming back and the tab being shown again each wake the session', () => {
    const network = new EventTarget();
    const page = fakePage();
    const causes: WakeUpCause[] = [];
    watchWakeUps({ network, page }, (cause) => causes.push(cause));
    network.dispatchEvent(new Event('online'));
    page.visibilityState = 'visible';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(causes).toEqual(['online', 'visible']);
  });

  it('SYNC-26: hiding the tab and going offline are not wake-ups', () => {
    const network = new EventTarget();
    const page = fakePage();
    const causes: WakeUpCause[] = [];
    watchWakeUps({ network, page }, (cause) => causes.push(cause));
    network.dispatchEvent(new Event('offline'));
    page.visibilityState = 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(causes).toEqual([]);
  });

  it('SYNC-26: after stopping, nothing wakes it; missing sources (Node) are fine', () => {
    const network = new EventTarget();
    const page = fakePage();
    const causes: WakeUpCause[] = [];
    const stop = watchWakeUps({ network, page }, (cause) => causes.push(cause));
    stop();
    network.dispatchEvent(new Event('online'));
    page.visibilityState = 'visible';
    page.dispatchEvent(new Event('visibilitychange'));
    expect(causes).toEqual([]);
    expect(() => watchWakeUps({}, () => undefined)()).not.toThrow();
  });
});
