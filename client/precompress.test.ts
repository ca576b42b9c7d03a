import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompressDir } from './precompress.ts';

// RELAY-13: the relay sends the build's .br/.gz copies as they are, so they must hold exactly the
// bytes of the file beside them.
describe('precompressDir (the build step behind RELAY-13)', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('RELAY-13: writes brotli and gzip copies that decompress to the original, for text files only', () => {
    dir = mkdtempSync(join(tmpdir(), 'seen-precompress-'));
    mkdirSync(join(dir, 'assets'));
    const script = `console.log(${JSON.stringify('a calm evening '.repeat(200))});`;
    writeFileSync(join(dir, 'assets', 'index-x.js'), script);
    writeFileSync(join(dir, 'index.html'), `<!doctype html>${'<p>hi</p>'.repeat(100)}`);
    writeFileSync(join(dir, 'tiny.css'), 'a{}');
    writeFileSync(join(dir, 'photo.png'), Buffer.alloc(4096, 7));

    precompressDir(dir);

    const original = readFileSync(join(dir, 'assets', 'index-x.js'));
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'index-x.js.br')))).toEqual(original);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'index-x.js.gz')))).toEqual(original);
    expect(readFileSync(join(dir, 'assets', 'index-x.js.br')).length).toBeLessThan(original.length / 4);
    expect(existsSync(join(dir, 'index.html.br'))).toBe(true);
    // Too small to gain anything, or not text: left alone.
    expect(existsSync(join(dir, 'tiny.css.br'))).toBe(false);
    expect(existsSync(join(dir, 'photo.png.gz'))).toBe(false);
  });
});
