import { and, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueue } from '../../../src/bot/outbox.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { cases, contacts, media, outbox } from '../../../src/db/schema/index.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, CITIZEN, PHONE_ID, TOKEN, fakeGraphApi, readSent, signedPost, webhookBody } from './fake-graph-api.js'
import { phonePhoto } from '../../support/photo.js'

const TRACKING_CODE = /\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b/

describe.each(databaseKinds)('a complaint through the WhatsApp Cloud API on %s', (kind) => {
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
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      WHATSAPP_CLOUD_RATE_PER_SECOND: 1000,
    })
    await composed.channels.get('whatsapp-cloud')?.start?.(composed.runtime.handle)
  })
  afterAll(async () => {
    await graph.close()
    await database.close()
  })

  let counter = 0
  /** The citizen sends one message through the webhook; answers what the bot sent back. */
  async function send(message: Record<string, unknown>) {
    const before = graph.sent.length
    const response = await composed.app.request('/webhooks/whatsapp', signedPost(webhookBody(`wamid.IN-${++counter}`, message)))
    expect(response.status).toBe(200)
    await composed.outbox.runOnce()
    return graph.sent.slice(before).map(readSent)
  }
  const text = (body: string) => ({ type: 'text', text: { body } })
  const kindsSeen = new Set<string>()
  /** Presses the offered button or list row whose title matches, or answers a numbered menu's number. */
  function press(sent: ReturnType<typeof readSent>[], title: RegExp) {
    const last = sent.at(-1)
    if (!last) throw new Error('nothing was sent')
    kindsSeen.add(last.kind)
    if (last.kind === 'text') {
      const line = last.text.split('\n').find((candidate) => /^\d+\. /.test(candidate) && title.test(candidate.replace(/^\d+\. /, '')))
      if (!line) throw new Error(`no option ${title} in ${last.text}`)
      return send(text(line.split('.')[0] ?? ''))
    }
    const choice = last.choices.find((candidate) => title.test(candidate.title))
    if (!choice) throw new Error(`no choice ${title} in ${JSON.stringify(sent)}`)
    const reply = last.kind === 'button' ? 'button_reply' : 'list_reply'
    return send({ type: 'interactive', interactive: { type: reply, [reply]: { id: choice.id, title: choice.title } } })
  }

  it('files a complaint with buttons, a list, a location and a photo, and answers with the tracking code', async () => {
    let sent = await send(text('hola'))
    sent = await press(sent, /queja/i)
    sent = await press(sent, /salud/i)
    await press(sent, /medicamentos/i)
    sent = await send({ type: 'location', location: { latitude: 14.6333, longitude: -90.6064 } })
    expect(sent.at(-1)?.text).toContain('Mixco')
    await press(sent, /^s[ií]/i)
    sent = await send(text('Centro de Salud de Mixco'))
    await press(sent, /^no 👎$/i)
    await send(text('Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.'))
    graph.addFile('2003383421387256', await phonePhoto(), 'image/jpeg')
    sent = await send({ type: 'image', image: { id: '2003383421387256', mime_type: 'image/jpeg', sha256: 'x' } })
    expect(sent.map((message) => message.text).join('\n')).toContain('Recibí su foto')
    sent = await press(sent, /confidencial/i)
    sent = await press(sent, /^s[ií]/i)
    sent = await press(sent, /^s[ií]/i)

    // long labels went as a list, eleven categories as a numbered menu, yes and no as buttons
    expect(kindsSeen).toContain('list')
    expect(kindsSeen).toContain('text')
    expect(kindsSeen).toContain('button')
    const code = TRACKING_CODE.exec(sent.map((message) => message.text).join('\n'))?.[0]
    expect(code).toBeDefined()
    const [filed] = await database.db.select().from(cases).where(eq(cases.code, code ?? ''))
    expect(filed).toMatchObject({ municipalityCode: '0108', channel: 'whatsapp-cloud', status: 'routed' })
    expect(await database.db.select().from(media).where(and(eq(media.caseId, filed?.id ?? ''), eq(media.kind, 'image')))).toHaveLength(1)
  })

  it('holds a status update outside the 24-hour window until the citizen writes, then sends it first', async () => {
    const [contact] = await database.db.select().from(contacts).where(eq(contacts.channelUserId, CITIZEN))
    await database.db.update(contacts).set({ lastSeenAt: new Date(Date.now() - 48 * 3_600_000) }).where(eq(contacts.id, contact?.id ?? ''))
    await enqueue(database.db, { channel: 'whatsapp-cloud', address: CITIZEN, contactId: contact?.id, locale: 'es', reply: { text: 'Su caso fue resuelto.' }, kind: 'notice' })
    const [update] = await database.db.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.id)).limit(1)
    const before = graph.sent.length
    expect(await composed.outbox.runOnce()).toBe(0)
    expect(graph.sent.length).toBe(before)
    const [waiting] = await database.db.select().from(outbox).where(eq(outbox.id, update?.id ?? 0))
    expect(waiting).toMatchObject({ status: 'held', lastError: 'outside 24h window, waiting for the citizen' })

    const sent = await send(text('hola'))
    expect(sent[0]?.text).toBe('Su caso fue resuelto.')
    expect(sent.length).toBeGreaterThan(1)
    const [delivered] = await database.db.select().from(outbox).where(eq(outbox.id, update?.id ?? 0))
    expect(delivered).toMatchObject({ status: 'sent', lastError: null })
  })
})
