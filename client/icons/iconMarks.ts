// The app's mark (the two overlapping rings of favicon.svg) in the palette of client/src/styles/app.css:
// --accent behind, --paper for the rings. e2e/scripts/renderIcons.ts renders these to the PNGs in
// client/public/icons/ that the web app manifest and iOS ask for.

const ACCENT = '#a4462a';
const PAPER = '#f7f1e8';

/** Rings centred in a 64-unit box; `scale` shrinks them around the centre (maskable safe zone). */
function rings(scale: number): string {
  const transform = `translate(32 32) scale(${scale}) translate(-32 -32)`;
  return `<g transform="${transform}" fill="none" stroke="${PAPER}" stroke-width="4"><circle cx="25" cy="32" r="11"/><circle cx="39" cy="32" r="11"/></g>`;
}

/** The "any" icon: a rounded tile, as the favicon (transparent corners). */
export const ROUNDED_MARK = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="16" fill="${ACCENT}"/>${rings(1)}</svg>`;

/**
 * Full-bleed square for platforms that cut their own shape: maskable icons (Android keeps only the
 * central circle of 80 % diameter) and apple-touch-icon (iOS rounds the corners, fills transparency black).
 */
export const FULL_BLEED_MARK = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${ACCENT}"/>${rings(0.8)}</svg>`;

export interface IconFile {
  readonly file: string;
  readonly size: number;
  readonly svg: string;
}

export const ICON_FILES: readonly IconFile[] = [
  { file: 'icon-192.png', size: 192, svg: ROUNDED_MARK },
  { file: 'icon-512.png', size: 512, svg: ROUNDED_MARK },
  { file: 'maskable-512.png', size: 512, svg: FULL_BLEED_MARK },
  { file: 'apple-touch-icon-180.png', size: 180, svg: FULL_BLEED_MARK },
];
