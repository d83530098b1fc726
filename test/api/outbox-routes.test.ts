import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../src/bot/channel.js'
import { createOutboxWorker, enqueue } from '../../src/bot/outbox.js'
import { DeliverySchema } from '../../src/api/outbox-routes.js'
import { pageOf } from '../../src/api/directory-schemas.js'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { fileCase, newContact } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

const CHAT_ID = '5550123987'
const NOTICE = 'Su caso fue resuelto: gracias por avisarnos.'

describe.each(databaseKinds)('GET /api/v1/outbox on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string
  let institution: string
  let caseCode: string
  const at = new Date('2026-12-01T14:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => at)
    admin = (await createToken(database.db, { name: 'operaciones', role: 'admin' })).token
    institution = (await createToken(database.db, { name: 'área de salud', role: 'institution' })).token
    const contact = await newContact(database, CHAT_ID)
    const filed = await fileCase(database, { now: at, contactId: contact.id })
    caseCode = filed.code
    await enqueue(database.db, [
      { channel: 'telegram', address: CHAT_ID, contactId: contact.id, caseId: filed.row.id, locale: 'es', reply: { text: NOTICE }, kind: 'notice', notBefore: at },
      { channel: 'telegram', address: '5550000001', locale: 'es', reply: { text: 'hola' }, kind: 'reply', notBefore: at },
    ])
    // Telegram refuses the notice for good (the citizen blocked the bot) and takes the other message
    const telegram: Channel = {
      kind: 'telegram',
      ratePerSecond: 1000,
      inlineReplies: false,
      send: async (address) =>
        address === CHAT_ID ? { ok: false, permanent: true, failure: 'blocked', error: `403: Forbidden: bot was blocked by the user ${CHAT_ID}` } : { ok: true, externalId: '9' },
    }
    await createOutboxWorker({ db: database.db, channels: new Map([['telegram', telegram]]), logger: silentLogger, pollMs: 60_000, now: () => at }).runOnce()
  })
  afterAll(async () => {
    await database.close()
  })

  const get = (path: string, token?: string) => composed.app.request(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })

  it('shows an admin the failed delivery with its channel, kind, attempts, reason and case, and neither the text nor the address', async () => {
    const response = await get('/api/v1/outbox?status=failed', admin)
    expect(response.status).toBe(200)
    const raw = await response.text()
    const page = pageOf(DeliverySchema).parse(JSON.parse(raw))
    expect(page).toEqual({
      items: [
        {
          id: expect.any(Number),
          channel: 'telegram',
          kind: 'notice',
          status: 'failed',
          attempts: 1,
          reason: expect.stringMatching(/^403: Forbidden: bot was blocked by the user/),
          platformStatus: null,
          caseCode,
          createdAt: expect.any(String),
          lastAttemptAt: at.toISOString(),
          nextAttemptAt: null,
          sentAt: null,
        },
      ],
      nextCursor: null,
    })
    // the documented schema describes every field the route writes
    expect(page).toEqual(JSON.parse(raw))
    expect(raw).not.toContain(CHAT_ID)
    expect(raw).not.toContain('resuelto')
  })

  it('filters by state and pages with a cursor', async () => {
    const sent = pageOf(DeliverySchema).parse(await (await get('/api/v1/outbox?status=sent', admin)).json())
    expect(sent.items.map((item) => [item.kind, item.status])).toEqual([['reply', 'sent']])
    const first = pageOf(DeliverySchema).parse(await (await get('/api/v1/outbox?limit=1', admin)).json())
    expect(first.items).toHaveLength(1)
    const second = pageOf(DeliverySchema).parse(await (await get(`/api/v1/outbox?limit=1&cursor=${first.nextCursor ?? ''}`, admin)).json())
    expect(second.items.map((item) => item.kind)).toEqual(['notice'])
    expect((await get('/api/v1/outbox?status=lost', admin)).status).toBe(400)
  })

  it('refuses anyone but an admin', async () => {
    expect((await get('/api/v1/outbox?status=failed')).status).toBe(401)
    expect((await get('/api/v1/outbox?status=failed', institution)).status).toBe(403)
  })
})
