import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Drives the web chat page as a citizen would: each step waits for the bot's answer. */
export function chatIn(page: Page) {
  const bot = page.getByTestId('bot-message')
  const user = page.getByTestId('user-message')
  async function answered(before: number) {
    await expect.poll(() => bot.count(), { timeout: 10_000 }).toBeGreaterThan(before)
  }
  return {
    /** the menu is on screen (first greeting, or a fresh conversation) */
    greeted: async () => {
      await expect.poll(() => bot.allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('¿Qué desea hacer?'))
    },
    say: async (text: string) => {
      const before = await bot.count()
      await page.getByTestId('input').fill(text)
      await page.getByTestId('send').click()
      await answered(before)
    },
    /** presses the live option whose label matches */
    press: async (label: RegExp) => {
      const before = await bot.count()
      await page.locator('button.choice:enabled', { hasText: label }).first().click()
      await answered(before)
    },
    botTexts: () => bot.allTextContents(),
    userTexts: () => user.allTextContents(),
  }
}

/** Every conversation id the page sent (in a POST body or the poll's header), in order of first use. */
export function conversationIdsSeenBy(page: Page) {
  const seen = new Set<string>()
  page.on('request', (request) => {
    if (!request.url().includes('/webchat/messages')) return
    const fromHeader = request.headers()['x-conversation-id']
    if (fromHeader) seen.add(fromHeader)
    const body = request.postData()
    if (body) {
      const parsed: unknown = JSON.parse(body)
      if (typeof parsed === 'object' && parsed !== null && 'conversationId' in parsed && typeof parsed.conversationId === 'string') {
        seen.add(parsed.conversationId)
      }
    }
  })
  return { values: () => [...seen] }
}

/** Everything the page's origin keeps in localStorage and sessionStorage, as two JSON objects. */
export function storedText(page: Page): Promise<string> {
  // a string, evaluated in the page: the test project has no DOM types
  return page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')
}
