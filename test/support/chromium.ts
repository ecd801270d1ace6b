/** Headless Chromium for page tests (Debian's /usr/bin/chromium), JavaScript off like a strict reader. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A page without JavaScript, French by default, at a phone's width unless told. */
export async function openPage(
  browser: Browser,
  options: { locale?: string; width?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    locale: options.locale ?? 'fr-FR',
    viewport: { width: options.width ?? 390, height: 844 },
  });
  const page = await context.newPage();
  // A missing element fails the test in seconds, naming the locator, not at the test's timeout.
  page.setDefaultTimeout(8000);
  return page;
}

export const OUTPUT_DIR = join(process.cwd(), 'test/output');

/** Full-page screenshots at 1280 and 390 px (test/output/, gitignored), for a person to look at. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(OUTPUT_DIR, `${name}-${width}.png`), fullPage: true });
  }
}

/** The page scrolls sideways (something wider than the screen). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  );
}
