import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { generate } from 'selfsigned';
import { encodePushSubscribeFrame } from '@seen/shared/protocol';

/** http_ece (the RFC 8188/8291 codec web-push uses) ships no types; the tests need only its decrypt, the browser's half. */
interface EceCodec {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer;
}
const ece = createRequire(import.meta.url)('http_ece') as EceCodec;

/** One POST a push service would have received from the relay. */
export interface ReceivedPush {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * A local stand-in for a browser vendor's push service (RFC 8030): HTTPS on 127.0.0.1 with a
 * certificate made for the test, recording every push. A path answers 201 unless told otherwise;
 * `hang` paths never answer.
 */
export interface TestPushEndpoint {
  /** https://127.0.0.1:port/<path> */
  url(path: string): string;
  readonly received: ReceivedPush[];
  /** PEM of the endpoint's certificate, for the relay's `trustedCertificates`. */
  readonly certificate: string;
  answer(path: string, status: number | 'hang'): void;
  close(): Promise<void>;
}

export async function startPushEndpoint(): Promise<TestPushEndpoint> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const received: ReceivedPush[] = [];
  const answers = new Map<string, number | 'hang'>();
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
      const status = answers.get(path) ?? 201;
      if (status !== 'hang') response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `https://127.0.0.1:${port}/${path}`,
    received,
    certificate: pems.cert,
    answer: (path, status) => void answers.set(`/${path}`, status),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A browser's side of one push subscription: its keys, and the decryption the browser does (RFC 8291). */
export interface PushSubscriber {
  readonly endpoint: string;
  readonly p256dh: Uint8Array;
  readonly auth: Uint8Array;
  /** PUSH_SUBSCRIBE carrying this subscription. */
  frame(): Uint8Array;
  /** Decrypts an aes128gcm push body with this subscription's private key and auth secret. */
  decrypt(body: Buffer): string;
}

export function createPushSubscriber(endpoint: string): PushSubscriber {
  const ecdh: ECDH = createECDH('prime256v1');
  ecdh.generateKeys();
  const p256dh = new Uint8Array(ecdh.getPublicKey());
  const auth = new Uint8Array(randomBytes(16));
  return {
    endpoint,
    p256dh,
    auth,
    frame: () => encodePushSubscribeFrame({ endpoint, p256dh, auth }),
    decrypt: (body) => ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: Buffer.from(auth).toString('base64url') }).toString('utf8'),
  };
}
