import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// Every constant-time comparison the process makes, with what it compared.
const compared = vi.hoisted(() => ({ calls: [] as [Buffer, Buffer][] }))
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)])
    return actual.timingSafeEqual(a, b)
  }
  return { ...actual, timingSafeEqual, default: { ...actual, timingSafeEqual } }
})

const { testApp } = await import('../../support/app.js')
const { databaseKinds, freshDatabase } = await import('../../support/database.js')
const { silentLogger } = await import('../../support/tiny-engine.js')
const { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi } = await import('../../bot/whatsapp-cloud/fake-graph-api.js')
type Composed = Awaited<ReturnType<typeof testApp>>
type Database = Awaited<ReturnType<typeof freshDatabase>>

const VERIFY_TOKEN = 'verify-token-of-the-office-4417'

/**
 * Whoever can subscribe the webhook can point Meta at it; an ordinary `!==` stops at the first
 * differing byte, so the answer time tells an attacker how much of a guess was right.
 */
describe.each(databaseKinds)("WhatsApp Cloud's subscription check on %s", (kind) => {
  let database: Database
  let composed: Composed
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>

  beforeAll(async () => {
    database = await freshDatabase(kind)
    graph = await fakeGraphApi()
    composed = await testApp(database, undefined, silentLogger, {
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_CLOUD_API_ROOT: graph.root,
    })
  })
  afterAll(async () => {
    await graph.close()
    await database.close()
  })

  const check = (token: string) =>
    composed.app.request(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`)

  it('compares the verify token in constant time, for right guesses, wrong ones and ones of another length', async () => {
    for (const [guess, status] of [
      [VERIFY_TOKEN, 200],
      ['verify-token-of-the-office-4418', 403],
      ['v', 403],
      [`${VERIFY_TOKEN}-and-more`, 403],
    ] as const) {
      compared.calls.length = 0
      const response = await check(guess)
      expect(response.status).toBe(status)
      // one comparison of two equally long values, neither of them the raw token or guess
      expect(compared.calls).toHaveLength(1)
      const [a, b] = compared.calls[0] ?? []
      expect(a?.length).toBe(b?.length)
      expect(a?.toString('utf8')).not.toContain(guess)
    }
  })
})
