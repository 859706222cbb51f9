// Debian's headless Chromium for the browser journeys (never a downloaded browser), closed when the test ends.
import { chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'

export const CHROMIUM = '/usr/bin/chromium'

/** A new page, and the console errors (CSP reports among them) it logs: a journey ends by checking it is empty. */
export async function openPage (t: Test): Promise<{ page: Page, problems: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  return { page, problems }
}
