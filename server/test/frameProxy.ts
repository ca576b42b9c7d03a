import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export type Direction = 'to-relay' | 'to-client';

/**
 * A WebSocket man-in-the-middle between clients and a real relay: records every frame both ways,
 * and lets a test drop, rewrite, duplicate or inject frames (the hostile-relay harness).
 * `transform` returns the frames to forward instead of the original (empty array = drop).
 */
export interface FrameProxy {
  readonly wsUrl: string;
  readonly frames: { direction: Direction; bytes: Uint8Array }[];
  transform: ((direction: Direction, bytes: Uint8Array, connection: number) => Uint8Array[]) | null;
  /** Sends bytes to every connected client as if from the relay. */
  injectToClients(bytes: Uint8Array): void;
  /** Sends bytes to one client connection as if from the relay (delayed or injected frames). */
  sendToClient(connection: number, bytes: Uint8Array): void;
  /** Drops every connection (both sides), as a network failure would. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startFrameProxy(relayWsUrl: string, relayPath: string): Promise<FrameProxy> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();
  const clientsById = new Map<number, WebSocket>();
  let connections = 0;
  const proxy: FrameProxy = {
    wsUrl: '',
    frames: [],
    transform: null,
    injectToClients(bytes) {
      for (const { client } of pairs) if (client.readyState === WebSocket.OPEN) client.send(bytes);
    },
    sendToClient(connection, bytes) {
      const client = clientsById.get(connection);
      if (client?.readyState === WebSocket.OPEN) client.send(bytes);
    },
    dropAll() {
      for (const { client, upstream } of pairs) {
        client.terminate();
        upstream.terminate();
      }
      pairs.clear();
    },
    async close() {
      proxy.dropAll();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  wss.on('connection', (client, request) => {
    const id = connections++;
    // Keep the client's Host header so the relay sees the origin the client signed.
    const upstream = new WebSocket(relayWsUrl + relayPath, { headers: { host: request.headers.host ?? '' } });
    const pair = { client, upstream };
    clientsById.set(id, client);
    client.on('close', () => clientsById.delete(id));
    pairs.add(pair);
    const early: Uint8Array[] = [];
    const forward = (direction: Direction, data: Buffer, target: WebSocket): void => {
      const bytes = new Uint8Array(data);
      proxy.frames.push({ direction, bytes });
      const out = proxy.transform === null ? [bytes] : proxy.transform(direction, bytes, id);
      for (const frame of out) if (target.readyState === WebSocket.OPEN) target.send(frame);
    };
    client.on('message', (data: Buffer) => {
      if (upstream.readyState !== WebSocket.OPEN) early.push(new Uint8Array(data));
      else forward('to-relay', data, upstream);
    });
    upstream.on('open', () => {
      for (const bytes of early.splice(0)) forward('to-relay', Buffer.from(bytes), upstream);
    });
    upstream.on('message', (data: Buffer) => forward('to-client', data, client));
    const closeBoth = (code: number, reason: Buffer): void => {
      pairs.delete(pair);
      const safe = code >= 3000 && code < 5000 ? code : 1000;
      if (client.readyState === WebSocket.OPEN) client.close(safe, reason.toString());
      if (upstream.readyState === WebSocket.OPEN) upstream.close(safe, reason.toString());
    };
    upstream.on('close', closeBoth);
    client.on('close', closeBoth);
    upstream.on('error', () => client.terminate());
    client.on('error', () => upstream.terminate());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  (proxy as { wsUrl: string }).wsUrl = `ws://127.0.0.1:${port}`;
  return proxy;
}
