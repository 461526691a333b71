// Renders the wallet's SVG mark into the PNG icons the manifest needs (public/icon/{16,32,48,128}.png).
// Run once after changing the mark:  npx tsx scripts/make-icons.ts
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { findChromium } from './lib/chromium';
import { WALLET_ICON_SVG } from '../src/provider/wallet-info';

const out = path.resolve(import.meta.dirname, '../public/icon');
fs.mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
for (const size of [16, 32, 48, 128]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${WALLET_ICON_SVG.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: path.join(out, `${size}.png`), omitBackground: true });
  await page.close();
}
await browser.close();
console.log(`icons written to ${out}`);
