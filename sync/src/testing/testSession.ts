import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { RELAY_PATH } from '@seen/shared/protocol';
import { startFrameProxy, startTestRelay, type FrameProxy, type TestRelay } from '@seen/server/testing';
import type * as Y from 'yjs';
import { generateRoomSecret, type RoomSecret } from '@seen/shared/crypto';
import type { SocketConstructor } from '../EncryptedSocket.ts';
import { openRoomSession, type CreateRoomSessionOptions, type RoomSessionInternals } from '../createRoomSession.ts';

/** Opens a Node session against a test relay (Node 20 has no global WebSocket: `ws` stands in). */
export function openTestSession(
  relayUrl: string,
  secret: RoomSecret,
  extra: Partial<CreateRoomSessionOptions> = {},
): RoomSessionInternals {
  return openRoomSession({
    secret,
    relayUrl,
    persistence: 'memory',
    WebSocket: WebSocket as unknown as SocketConstructor,
    maxBackoffMs: 200,
    // One update, one envelope: these tests count and manipulate envelopes one by one. Merging
    // (the default) has tests of its own.
    coalesceWindow: () => 0,
    ...extra,
  });
}

export { generateRoomSecret };

export function answerText(doc: Y.Doc): string {
  return doc.getText('answer').toString();
}

/**
 * Per-file test harness: real relays, proxies and sessions opened through it are torn down after
 * each test — sessions first (so nothing reconnects), then proxies and relays in reverse order.
 */
export function createSyncHarness() {
  const sessions = new Set<RoomSessionInternals>();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const session of sessions) session.destroy();
    sessions.clear();
    for (const close of closers.splice(0).reverse()) await close();
  });
  return {
    open(...args: Parameters<typeof openTestSession>): RoomSessionInternals {
      const session = openTestSession(...args);
      sessions.add(session);
      return session;
    },
    /** Stop tracking a session the test destroys itself. */
    forget(session: RoomSessionInternals): void {
      sessions.delete(session);
    },
    async relay(options?: Parameters<typeof startTestRelay>[0]): Promise<TestRelay> {
      const relay = await startTestRelay(options);
      closers.push(() => relay.close());
      return relay;
    },
    async proxy(relay: { wsUrl: string }): Promise<FrameProxy> {
      const proxy = await startFrameProxy(relay.wsUrl, RELAY_PATH);
      closers.push(() => proxy.close());
      return proxy;
    },
  };
}
