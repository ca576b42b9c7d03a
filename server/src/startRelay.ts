import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import webpush from 'web-push';
import { WebSocketServer, type ServerOptions } from 'ws';
import { DEFAULT_LIMITS, RELAY_PATH, type RelayLimits } from '@seen/shared/protocol';
import { createLogger, type Logger } from './log.ts';
import type { RoomBus } from './bus/RoomBus.ts';
import { Relay } from './relay/Relay.ts';
import { applySecurityHeaders, serveStatic } from './http/staticFiles.ts';
import { DEFAULT_PUSH_HOSTS, type PushEndpointPolicy } from './push/pushEndpointPolicy.ts';
import { PushSender } from './push/PushSender.ts';
import { PushService } from './push/PushService.ts';
import type { RelayStorage } from './storage/RelayStorage.ts';

export interface StartRelayOptions {
  readonly storage: RelayStorage;
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly limits?: Partial<RelayLimits>;
  readonly logger?: Logger;
  /** Folder of the built client; omitted = WebSocket and health only. */
  readonly staticDir?: string;
  readonly publicOrigin?: string;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy?: boolean;
  /** Connects this relay to the others sharing its database (closed with the relay). */
  readonly bus?: RoomBus;
  /** Web Push settings (README "Settings"); push is on with the defaults when omitted. */
  readonly push?: PushOptions;
  /** The clock of admission tickets (RelayOptions.clock); tests only. */
  readonly clock?: () => number;
}

export interface PushOptions {
  /** Push service hosts the relay posts to (default DEFAULT_PUSH_HOSTS). */
  readonly allowedHosts?: readonly string[];
  /** Tests with a local push endpoint only: also post to loopback and private addresses. */
  readonly allowPrivateAddresses?: boolean;
  /** VAPID contact (mailto: or https:) push services can reach the operator at. */
  readonly contact?: string;
  /** PEM certificates to trust instead of the system's (a test's local push endpoint). */
  readonly trustedCertificates?: string;
}

/** The path a browser reads the relay's VAPID public key from (its `applicationServerKey`). */
export const PUSH_KEY_PATH = `${RELAY_PATH}/push/key`;
/** Used when the operator names no contact; set PUSH_CONTACT in production (some push services require a reachable one). */
const DEFAULT_PUSH_CONTACT = 'mailto:operator@seen-relay.invalid';

/** The relay's push service, with the VAPID key pair every relay on the same storage shares (made at the first start). */
async function startPushService(storage: RelayStorage, limits: RelayLimits, logger: Logger, options: PushOptions): Promise<PushService> {
  const vapidKeys = await storage.claimVapidKeys(webpush.generateVAPIDKeys());
  const policy: PushEndpointPolicy = { allowedHosts: options.allowedHosts ?? DEFAULT_PUSH_HOSTS, allowPrivateAddresses: options.allowPrivateAddresses ?? false };
  const sender = new PushSender({ vapidKeys, contact: options.contact ?? DEFAULT_PUSH_CONTACT, policy, logger, trustedCertificates: options.trustedCertificates });
  return new PushService(storage, sender, policy, limits, logger);
}

export interface RunningRelay {
  readonly port: number;
  /** http://host:port */
  readonly httpUrl: string;
  /** ws://host:port — the client appends RELAY_PATH itself. */
  readonly wsUrl: string;
  readonly relay: Relay;
  close(): Promise<void>;
}

/**
 * Connections the kernel queues before the relay accepts them (Node's default is 511; Linux caps it
 * at net.core.somaxconn, 4096 on current kernels). In a reconnect storm a full queue drops SYNs, and
 * each dropped client waits out TCP's 1 s, 3 s, 7 s retransmits (BENCHMARKS.md R1).
 */
const LISTEN_BACKLOG = 4096;

/**
 * Shared, so the listener captures nothing: a per-upgrade arrow function here would share its
 * closure context with `request`, and the socket would keep the whole IncomingMessage (headers,
 * raw headers, streams: ~1.5 KB) alive for as long as the connection lasts.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

export async function startRelay(options: StartRelayOptions): Promise<RunningRelay> {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const push = await startPushService(options.storage, limits, logger, options.push ?? {});
  const relay = new Relay({ storage: options.storage, limits, logger, publicOrigin: options.publicOrigin, trustProxy: options.trustProxy, bus: options.bus, push, clock: options.clock });
  const pushKeyBody = JSON.stringify({ publicKey: push.publicKey });
  // ws enforces twice our limit itself (close 1009); between the two we close with FRAME_TOO_LARGE.
  // A peer that ignores our close frame (a slow or hostile reader) is cut off after closeTimeoutMs
  // instead of ws's 30 s default, so what it left unsent is freed sooner (ABUSE-3).
  // (closeTimeout is in ws 8.23 but not yet in @types/ws.)
  const serverOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: limits.maxFrameBytes * 2,
    perMessageDeflate: false,
    // The relay tracks its sockets (Relay.terminateAll): ws's tracking costs a closure per socket.
    clientTracking: false,
    closeTimeout: limits.closeTimeoutMs,
  };
  const wss = new WebSocketServer(serverOptions);

  const handleHttp = (request: IncomingMessage, response: ServerResponse): void => {
    applySecurityHeaders(response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (request.url === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify({ ok: true, ...relay.stats() }));
      return;
    }
    if (request.url === PUSH_KEY_PATH) {
      // Public by nature (every subscription carries it), and the same for every relay of a cluster.
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : pushKeyBody);
      return;
    }
    if (options.staticDir === undefined) {
      response.writeHead(404).end();
      return;
    }
    serveStatic(options.staticDir, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  };

  const server = createServer(handleHttp);
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', destroyOnError);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path !== RELAY_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => relay.accept(ws, request));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', LISTEN_BACKLOG, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.log('info', 'relay listening', { host: address.address, port: address.port });

  let closed: Promise<void> | null = null;
  return {
    port: address.port,
    httpUrl: `http://${hostForUrl}:${address.port}`,
    wsUrl: `ws://${hostForUrl}:${address.port}`,
    relay,
    close() {
      closed ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await relay.close();
        relay.terminateAll();
        await options.bus?.close();
        wss.close();
        server.closeAllConnections();
        await serverClosed;
        logger.log('info', 'relay stopped');
      })();
      return closed;
    },
  };
}
