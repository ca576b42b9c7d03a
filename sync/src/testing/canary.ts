import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every way a plaintext marker could appear in bytes: raw UTF-8, UTF-16, base64 and base64url, hex. */
export function encodingsOf(marker: string): Buffer[] {
  const utf8 = Buffer.from(marker, 'utf8');
  return [
    utf8,
    Buffer.from(marker, 'utf16le'),
    Buffer.from(utf8.toString('base64').replace(/=+$/, '').slice(0, -2)),
    Buffer.from(utf8.toString('base64url').slice(0, -2)),
    Buffer.from(utf8.toString('hex')),
  ];
}

export function containsAny(haystack: Buffer, needles: readonly Buffer[]): boolean {
  return needles.some((needle) => haystack.includes(needle));
}

/** Every regular file under a folder (a relay's data folder, PostgreSQL's heap files and WAL, ...). */
export function filesUnder(folder: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) files.push(...filesUnder(path));
    else if (stat?.isFile()) files.push(path);
  }
  return files;
}
