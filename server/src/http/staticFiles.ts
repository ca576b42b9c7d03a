import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import Negotiator from 'negotiator';

/**
 * Headers on every HTTP response. The CSP names no third-party origin and allows no inline script
 * or eval: an injected script could read the room keys, so the page may only run our own files.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hashed build assets never change; index.html must be revalidated so new builds reach users. */
const IMMUTABLE_PREFIX = '/assets/';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const REVALIDATE_CACHE = 'no-cache';

/**
 * Precompressed siblings the client build writes next to a file (client/vite.config.ts), best
 * first: brotli is smaller, gzip is what every browser and proxy understands.
 */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type EncodingName = (typeof ENCODINGS)[number]['name'] | 'identity';
const PREFERRED_ORDER: readonly EncodingName[] = ['br', 'gzip', 'identity'];

export function applySecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

interface FileInfo {
  readonly size: number;
  readonly mtimeMs: number;
}

async function statFile(path: string): Promise<FileInfo | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

// negotiator's `preferred` option (it breaks ties between equal q-values, e.g. Chromium's
// "gzip, deflate, br, zstd") is missing from its type definitions.
type EncodingsWithPreference = (available: readonly string[], options: { preferred: readonly string[] }) => string[];

/**
 * The codings this client accepts among `available`, best first, following RFC 9110 §12.5.3:
 * q-values (q=0 refuses), `*`, and identity unless refused. Empty when even identity is refused.
 */
export function acceptableEncodings(acceptEncoding: string | undefined, available: readonly EncodingName[]): EncodingName[] {
  const negotiator = new Negotiator({ headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });
  const encodings = negotiator.encodings.bind(negotiator) as EncodingsWithPreference;
  return encodings(available, { preferred: PREFERRED_ORDER }) as EncodingName[];
}

/** A strong validator per representation: each coding of a file is a different byte sequence. */
function entityTag(info: FileInfo, encoding: EncodingName): string {
  return `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}${encoding === 'identity' ? '' : `-${encoding}`}"`;
}

/** True when If-None-Match names this representation (or `*`), so a 304 may answer. */
function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return trimmed === '*' || trimmed === tag || trimmed === `W/${tag}`;
  });
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text);
}

/**
 * Serves the built client; unknown paths without an extension get index.html (client routing).
 * When the build left `.br`/`.gz` siblings, the best coding the client accepts is sent as is, with
 * Content-Encoding and `Vary: Accept-Encoding` so caches keep the codings apart.
 */
export async function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  } catch {
    sendText(response, 400, 'Bad path');
    return;
  }
  const candidate = normalize(join(root, pathname));
  if (!candidate.startsWith(normalize(root) + sep) && candidate !== normalize(root)) {
    sendText(response, 400, 'Bad path');
    return;
  }
  let file = candidate;
  let info = await statFile(file);
  if (info === null) {
    if (extname(pathname) !== '') {
      sendText(response, 404, 'Not found');
      return;
    }
    file = join(root, 'index.html');
    info = await statFile(file);
    if (info === null) {
      sendText(response, 503, 'The app is not built yet. Run `pnpm build`.');
      return;
    }
  }

  const variants = new Map<EncodingName, { path: string; info: FileInfo }>([['identity', { path: file, info }]]);
  for (const { name, suffix } of ENCODINGS) {
    const compressed = await statFile(file + suffix);
    if (compressed !== null) variants.set(name, { path: file + suffix, info: compressed });
  }
  const negotiated = variants.size > 1;
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    // Only real files under /assets/ carry a content hash; the index.html fallback never does.
    'Cache-Control': pathname.startsWith(IMMUTABLE_PREFIX) && file === candidate ? IMMUTABLE_CACHE : REVALIDATE_CACHE,
  };
  if (negotiated) headers.Vary = 'Accept-Encoding';

  const [encoding] = acceptableEncodings(request.headers['accept-encoding'], [...variants.keys()]);
  if (encoding === undefined) {
    // Only reachable when the client refuses identity (`identity;q=0` or `*;q=0`) and every coding we have.
    response.writeHead(406, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('None of the accepted content codings is available.');
    return;
  }
  const chosen = variants.get(encoding)!;
  const tag = entityTag(chosen.info, encoding);
  headers.ETag = tag;
  if (encoding !== 'identity') headers['Content-Encoding'] = encoding;

  if (matchesIfNoneMatch(request.headers['if-none-match'], tag)) {
    response.writeHead(304, { ETag: tag, 'Cache-Control': headers['Cache-Control']!, ...(negotiated ? { Vary: 'Accept-Encoding' } : {}) }).end();
    return;
  }
  headers['Content-Length'] = String(chosen.info.size);
  response.writeHead(200, headers);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(chosen.path);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
