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
