import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './testRelay.ts';

// The real relay over real HTTP, serving a built client laid out as `vite build` writes it
// (client/precompress.ts adds the .br and .gz copies). node:http, not fetch: fetch would send its
// own Accept-Encoding and decompress, hiding exactly what is under test.

const SCRIPT = `export const greeting = ${JSON.stringify('hello, '.repeat(400))};\n`;
const INDEX = `<!doctype html><html lang="en"><head><title>Seen</title><script type="module" src="/assets/index-abc123.js"></script></head><body>${'<div></div>'.repeat(80)}</body></html>\n`;
const ICON = '<svg xmlns="http://www.w3.org/2000/svg"/>';
// As vite-plugin-pwa writes them (client/vite.config.ts): the worker and its runtime at the root,
// under names that never change, so browsers must revalidate them to ever see a new version.
const WORKER = `define(["./workbox-abc123"],function(s){s.precacheAndRoute(${JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ url: `assets/chunk-${i}.js`, revision: null })))})});\n`;
const WORKBOX_RUNTIME = `define(["exports"],function(t){${'"use strict";'.repeat(60)}});\n`;
const MANIFEST = JSON.stringify({ name: 'Seen', short_name: 'Seen', start_url: '/', scope: '/', display: 'standalone', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] });
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function get(relay: TestRelay, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const url = new URL(path, relay.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files (real relay over HTTP)', () => {
  let relay: TestRelay;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'seen-static-'));
    mkdirSync(join(root, 'assets'));
    const write = (path: string, text: string, precompressed: boolean): void => {
      writeFileSync(join(root, path), text);
      if (!precompressed) return;
      writeFileSync(join(root, `${path}.br`), brotliCompressSync(Buffer.from(text)));
      writeFileSync(join(root, `${path}.gz`), gzipSync(Buffer.from(text)));
    };
    write('assets/index-abc123.js', SCRIPT, true);
    write('index.html', INDEX, true);
    write('favicon.svg', ICON, false);
    write('sw.js', WORKER, true);
    write('workbox-abc123.js', WORKBOX_RUNTIME, true);
    write('manifest.webmanifest', MANIFEST, false);
    mkdirSync(join(root, 'icons'));
    writeFileSync(join(root, 'icons/icon-192.png'), PNG);
    relay = await startTestRelay({ storage: 'memory', staticDir: root });
  });

  afterAll(async () => {
    await relay.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('RELAY-13: sends the brotli copy to a browser that accepts it, with Content-Encoding, Vary and a year of caching', async () => {
    const answer = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(brotliDecompressSync(answer.body).toString()).toBe(SCRIPT);
    // Compression changes no security header (RELAY-9).
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('RELAY-13: follows q-values: gzip when brotli is refused with q=0 or rated lower, identity when both are refused', async () => {
    const gzipOnly = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': 'br;q=0, gzip' });
    expect(gzipOnly.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipOnly.body).toString()).toBe(SCRIPT);

    const gzipPreferred = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': 'br;q=0.5, gzip;q=0.9' });
    expect(gzipPreferred.headers['content-encoding']).toBe('gzip');

    const starButNoBrotli = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': '*, br;q=0' });
    expect(starButNoBrotli.headers['content-encoding']).toBe('gzip');

    const neither = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    expect(neither.status).toBe(200);
    expect(neither.headers['content-encoding']).toBeUndefined();
    expect(neither.headers.vary).toBe('Accept-Encoding');
    expect(neither.body.toString()).toBe(SCRIPT);

    const noHeader = await get(relay, '/assets/index-abc123.js');
    expect(noHeader.headers['content-encoding']).toBeUndefined();
    expect(noHeader.body.toString()).toBe(SCRIPT);

    const refusesEverything = await get(relay, '/assets/index-abc123.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0, identity;q=0' });
    expect(refusesEverything.status).toBe(406);
  });

  it('RELAY-13: index.html and client routes are compressed too but always revalidated', async () => {
    for (const path of ['/', '/r/some-room', '/new']) {
      const answer = await get(relay, path, { 'Accept-Encoding': 'gzip' });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(answer.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-encoding'], path).toBe('gzip');
      expect(gunzipSync(answer.body).toString(), path).toBe(INDEX);
    }
    // A path under /assets/ without a file is the client-route fallback, never cached for a year.
    const fallback = await get(relay, '/assets/missing', { 'Accept-Encoding': 'br' });
    expect(fallback.headers['cache-control']).toBe('no-cache');
    const missingScript = await get(relay, '/assets/missing.js');
    expect(missingScript.status).toBe(404);
  });

  it('RELAY-13: a file without compressed copies is sent as is, without Vary', async () => {
    const answer = await get(relay, '/favicon.svg', { 'Accept-Encoding': 'br, gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers.vary).toBeUndefined();
    expect(answer.body.toString()).toBe(ICON);
  });

  it('RELAY-13: each coding has its own ETag and If-None-Match gets a 304 with no body', async () => {
    const brotli = await get(relay, '/', { 'Accept-Encoding': 'br' });
    const gzip = await get(relay, '/', { 'Accept-Encoding': 'gzip' });
    const plain = await get(relay, '/');
    const tags = [brotli, gzip, plain].map((answer) => answer.headers.etag);
    expect(new Set(tags).size).toBe(3);
    for (const tag of tags) expect(tag).toMatch(/^"[^"]+"$/);

    const revalidated = await get(relay, '/', { 'Accept-Encoding': 'br', 'If-None-Match': String(brotli.headers.etag) });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.etag).toBe(brotli.headers.etag);
    expect(revalidated.headers['cache-control']).toBe('no-cache');
    expect(revalidated.headers.vary).toBe('Accept-Encoding');

    // The brotli tag does not validate the gzip representation.
    const otherCoding = await get(relay, '/', { 'Accept-Encoding': 'gzip', 'If-None-Match': String(brotli.headers.etag) });
    expect(otherCoding.status).toBe(200);
    expect(gunzipSync(otherCoding.body).toString()).toBe(INDEX);
  });

  it('RELAY-13: HEAD sends the same headers as GET and no body', async () => {
    const headers = { 'Accept-Encoding': 'br' };
    const full = await get(relay, '/assets/index-abc123.js', headers);
    const head = await get(relay, '/assets/index-abc123.js', headers, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-encoding', 'content-length', 'content-type', 'cache-control', 'vary', 'etag']) {
      expect(head.headers[name], name).toBe(full.headers[name]);
    }
  });
  it('RELAY-14: the service worker and its runtime are JavaScript, revalidated on every check (no-cache), and still precompressed', async () => {
    for (const [path, text] of [['/sw.js', WORKER], ['/workbox-abc123.js', WORKBOX_RUNTIME]] as const) {
      const answer = await get(relay, path, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['content-encoding']).toBe('br');
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(brotliDecompressSync(answer.body).toString()).toBe(text);
      expect(answer.headers['content-security-policy']).toContain("worker-src 'self'");
      const plain = await get(relay, path, { 'Accept-Encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(text);
    }
  });

  it('RELAY-14: the web app manifest is application/manifest+json and no-cache; its icons are image/png', async () => {
    const manifest = await get(relay, '/manifest.webmanifest', { 'Accept-Encoding': 'gzip, br' });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['content-type']).toBe('application/manifest+json');
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(manifest.body.toString())).toMatchObject({ name: 'Seen', start_url: '/', display: 'standalone' });
    expect(manifest.headers['content-security-policy']).toContain("manifest-src 'self'");

    const icon = await get(relay, '/icons/icon-192.png');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    expect(icon.body.equals(PNG)).toBe(true);
  });

  it('RELAY-14: a missing worker script is a 404, never the index.html fallback (HTML under a script’s name)', async () => {
    for (const path of ['/sw-old.js', '/workbox-gone.js']) {
      const answer = await get(relay, path);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });
});
