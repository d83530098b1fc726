import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conversationKeys } from '../../../src/bot/channels/webchat/conversation-keys.js'
import type { Composed } from '../../../src/compose.js'
import { loadAppSecret } from '../../../src/db/app-secret.js'
import type { Database } from '../../../src/db/client.js'
import { cases, outbox } from '../../../src/db/schema/index.js'
import { purgeTrail } from '../../../src/privacy/trail-purge-job.js'
import { fileWebchatComplaint, testApp, webchatSecret } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { everyRow, whereFound } from './find-anywhere.js'

const PHONE = '5512 3456'
const DESCRIPTION = `Me llamo Rosa Pérez, el director me cobró Q50 por la consulta. Mi número es ${PHONE}.`

/**
 * The attacker reads the database (a backup, a careless export, a staff member with SQL access).
 * The bot told an anonymous complainant "no guardamos ninguna forma de contactarle": after the
 * complaint is filed, nothing stored may tie the case to the conversation it came from, and the
 * unmasked words must be gone.
 */
describe.each(databaseKinds)('a reader of the database against an anonymous web chat complaint on %s', (kind) => {
  let database: Database
  let composed: Composed
  let now = new Date('2026-11-20T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
  })
  afterAll(async () => {
    await database.close()
  })

  it('finds neither the conversation, nor its key next to the case, nor the unmasked text', async () => {
    const name = 'anonymous-citizen-4e1f9a7c2d'
    const { code } = await fileWebchatComplaint(composed.app, name, { description: DESCRIPTION, identity: /anónimo/i })
    await composed.outbox.runOnce()
    const [kase] = await database.db.select().from(cases).where(eq(cases.code, code))
    if (!kase) throw new Error('case not stored')
    expect(kase.contactId).toBeNull()

    const contactKey = conversationKeys(await loadAppSecret(database.db, 'webchat-conversation')).contact(webchatSecret(name))
    expect(await whereFound(database, webchatSecret(name))).toEqual([])
    expect(await whereFound(database, PHONE)).toEqual([])
    expect(await whereFound(database, 'Rosa Pérez')).toEqual([])
    // rows that name the conversation (its contact, its session) hold nothing of the case
    const rows = await everyRow(database)
    const withKey = rows.filter((row) => row.row.includes(contactKey))
    expect(withKey.length).toBeGreaterThan(0)
    for (const row of withKey) {
      expect(row.row).not.toContain(code)
      expect(row.row).not.toContain(kase.id)
    }
    const contactIds = withKey.filter((row) => row.table === 'contacts').map((row) => String(JSON.parse(row.row).id))
    for (const row of rows.filter((candidate) => candidate.row.includes(code) || candidate.row.includes(kase.id))) {
      for (const id of contactIds) expect(row.row, `${row.table} ties the case to the contact`).not.toContain(id)
    }
  })

  it('keeps a retry\'s sealed replies for minutes, not months: an old message id then answers nothing', async () => {
    const name = 'anonymous-retry-0b7d3e91aa'
    const { chat } = await fileWebchatComplaint(composed.app, name, { description: DESCRIPTION, identity: /anónimo/i })
    // the last message of the walk: its replies carried the tracking code
    const last = chat.lastMessage()
    const retry = () =>
      composed.app.request('/webchat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...last, text: 'sí' }),
      })
    expect(JSON.stringify(await (await retry()).json())).toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/)
    now = new Date(now.getTime() + 11 * 60_000)
    await database.db.transaction((tx) => purgeTrail(tx, now, { replayMinutes: 10, unlinkedMediaHours: 6 }))
    expect(await (await retry()).json()).toEqual({ replies: [] })
  })

  it('empties the text of every delivered outbox message', async () => {
    const delivered = await database.db.select({ body: outbox.body }).from(outbox).where(eq(outbox.status, 'sent'))
    for (const row of delivered) expect(row.body).toBeNull()
  })
})
