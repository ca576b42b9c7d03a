// Renders the app icons (client/icons/iconMarks.ts) to PNG with the Chromium the e2e tests use, so
// the committed PNGs come from the SVG source with no image library of our own.
// Run: pnpm --filter @seen/e2e exec tsx scripts/renderIcons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ICON_FILES } from '../../client/icons/iconMarks.ts';

const OUT_DIR = join(import.meta.dirname, '../../client/public/icons');
const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const icon of ICON_FILES) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
    const svg = icon.svg.replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${svg}`);
    writeFileSync(join(OUT_DIR, icon.file), await page.screenshot({ omitBackground: true, type: 'png' }));
    await page.close();
  }
} finally {
  await browser.close();
}
