import { Browser, Page, chromium } from 'playwright-core';

/** Debian's chromium (scripts/test.sh installs it), driven by playwright-core: no browser download. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Every console error and uncaught exception of a page, so a test can require there were none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return errors;
}
