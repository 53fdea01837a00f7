import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright must not download a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core on the page as it is: WCAG 2.1 A and AA rules; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

/** Reads the newest six-digit one-time code from the demo inbox page, as a newcomer would. */
export async function codeFromInbox(context: BrowserContext, portalUrl: string): Promise<string> {
  const inbox = await context.newPage();
  try {
    for (let i = 0; i < 50; i++) {
      await inbox.goto(`${portalUrl}/demo/inbox`);
      const text = (await inbox.locator('tbody tr').first().textContent().catch(() => '')) ?? '';
      const code = /\b(\d{6})\b/.exec(text)?.[1];
      if (code) return code;
      await inbox.waitForTimeout(200);
    }
    throw new Error('no one-time code arrived in the demo inbox');
  } finally {
    await inbox.close();
  }
}

/** A browser context as a French user has it (locale, Paris time, a desktop window) and its first page. */
export async function frenchPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  return { context, page: await context.newPage() };
}
