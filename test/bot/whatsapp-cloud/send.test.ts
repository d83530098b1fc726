import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Channel } from '../../../src/bot/channel.js'
import { createWhatsappCloudChannel } from '../../../src/bot/channels/whatsapp-cloud/cloud-channel.js'
import type { CloudTemplate } from '../../../src/bot/channels/whatsapp-cloud/render-message.js'
import { OUTSIDE_WINDOW } from '../../../src/bot/channels/whatsapp-cloud/service-window.js'
import type { Database } from '../../../src/db/client.js'
import { contacts } from '../../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi } from './fake-graph-api.js'
import { startLocalServer } from '../../support/local-http-server.js'

const NOW = new Date('2026-11-25T18:00:00Z')
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000)
const choices = (labels: string[]) => labels.map((label, index) => ({ id: `c${index + 1}`, label }))

describe.each(databaseKinds)('WhatsApp Cloud sending on %s', (kind) => {
  let database: Database
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>
  beforeAll(async () => {
    database = await freshDatabase(kind)
    graph = await fakeGraphApi()
    await database.db.insert(contacts).values([
      { channel: 'whatsapp-cloud', channelUserId: '50255550001', locale: 'es', lastSeenAt: hoursAgo(1) },
      { channel: 'whatsapp-cloud', channelUserId: '50255550002', locale: 'en', lastSeenAt: hoursAgo(2) },
      { channel: 'whatsapp-cloud', channelUserId: '50255550003', locale: 'es', lastSeenAt: hoursAgo(25) },
    ])
  })
  afterAll(async () => {
    await graph.close()
    await database.close()
  })
  beforeEach(() => {
    graph.sent.length = 0
  })

  function channel(template?: CloudTemplate): Channel {
    return createWhatsappCloudChannel({
      db: database.db,
      logger: silentLogger,
      token: TOKEN,
      phoneId: PHONE_ID,
      appSecret: APP_SECRET,
      verifyToken: 'verify-me',
      apiRoot: graph.root,
      ratePerSecond: 80,
      template,
      listButton: (locale) => (locale === 'en' ? 'See options' : 'Ver opciones'),
      now: () => NOW,
    })
  }

  it('sends up to three short choices as reply buttons and returns the message id', async () => {
    const result = await channel().send('50255550001', { text: '¿Confirma?', choices: choices(['Sí', 'No']) })
    expect(result).toEqual({ ok: true, externalId: 'wamid.OUT-1', awaitsReceipt: true })
    expect(graph.sent).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '50255550001',
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: '¿Confirma?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'c1', title: 'Sí' } }, { type: 'reply', reply: { id: 'c2', title: 'No' } }] },
        },
      },
    ])
  })

  it('sends up to ten choices as a list in the citizen’s language, long labels cut to the title limit', async () => {
    const long = 'Maltrato o discriminación por el personal'
    await channel().send('50255550002', { text: 'Which problem?', choices: choices(['Medicines', 'Staff absent', long, 'Other']) }, { locale: 'en' })
    expect(graph.sent[0]).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which problem?' },
        action: {
          button: 'See options',
          sections: [
            {
              rows: [
                { id: 'c1', title: 'Medicines' },
                { id: 'c2', title: 'Staff absent' },
                { id: 'c3', title: 'Maltrato o discriminaci…', description: long },
                { id: 'c4', title: 'Other' },
              ],
            },
          ],
        },
      },
    })
  })

  it('falls back to a numbered text menu for more than ten choices', async () => {
    const departments = ['Alta Verapaz', 'Baja Verapaz', 'Chimaltenango', 'Chiquimula', 'El Progreso', 'Escuintla', 'Guatemala', 'Huehuetenango', 'Izabal', 'Jalapa', 'Jutiapa']
    await channel().send('50255550001', { text: '¿En qué departamento?', choices: choices(departments) })
    expect(graph.sent[0]).toMatchObject({ type: 'text', text: { body: expect.stringMatching(/^¿En qué departamento\?\n\n1\. Alta Verapaz\n2\. Baja Verapaz\n.*\n11\. Jutiapa$/s) } })
  })

  it('sends nothing outside the 24-hour window without a template, and answers that the message is held', async () => {
    const result = await channel().send('50255550003', { text: 'Su caso fue resuelto.' })
    expect(result).toEqual({ ok: false, held: true, reason: OUTSIDE_WINDOW })
    expect(await channel().send('50255559999', { text: 'Nunca escribió.' })).toEqual({ ok: false, held: true, reason: OUTSIDE_WINDOW })
    expect(graph.sent).toEqual([])
  })

  it('sends the configured template outside the window, the text folded into its one parameter', async () => {
    const result = await channel({ name: 'actualizacion_caso', language: 'es' }).send('50255550003', {
      text: 'Su caso ABCD-EFGH fue resuelto.\n\n¿Se solucionó?',
      choices: choices(['Sí', 'No']),
    })
    expect(result.ok).toBe(true)
    expect(graph.sent).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '50255550003',
        type: 'template',
        template: {
          name: 'actualizacion_caso',
          language: { code: 'es' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Su caso ABCD-EFGH fue resuelto. · ¿Se solucionó? · 1. Sí · 2. No' }] }],
        },
      },
    ])
  })

  it('gives up on a Graph API that never answers, for the outbox to try again', async () => {
    const silent = await startLocalServer(() => {
      // read, never answered: the request hangs until the client gives up
    })
    try {
      const slow = createWhatsappCloudChannel({
        db: database.db,
        logger: silentLogger,
        token: TOKEN,
        phoneId: PHONE_ID,
        appSecret: APP_SECRET,
        verifyToken: 'verify-me',
        apiRoot: silent.url,
        ratePerSecond: 80,
        listButton: () => 'Ver opciones',
        now: () => NOW,
        sendTimeoutMs: 200,
      })
      expect(await slow.send('50255550001', { text: 'hola' })).toEqual({ ok: false, permanent: false, failure: 'timeout', error: 'timeout: the Graph API did not answer' })
      expect(silent.requests).toHaveLength(1)
    } finally {
      await silent.close()
    }
  })

  it('tells the outbox which Graph API errors are worth retrying', async () => {
    const send = () => channel().send('50255550001', { text: 'hola' })
    graph.failNext({ status: 400, code: 131026, message: 'Message undeliverable' })
    expect(await send()).toEqual({ ok: false, permanent: true, failure: 'rejected', error: '131026: Message undeliverable' })
    graph.failNext({ status: 400, code: 130429, message: 'Rate limit hit' })
    expect(await send()).toMatchObject({ ok: false, permanent: false, failure: 'rate_limited' })
    graph.failNext({ status: 400, code: 131047, message: 'Re-engagement message' })
    expect(await send()).toEqual({ ok: false, held: true, reason: OUTSIDE_WINDOW })
    graph.failNext({ status: 503, code: 2, message: 'Service temporarily unavailable' })
    expect(await send()).toMatchObject({ ok: false, permanent: false, failure: 'server_error' })
    graph.failNext({ status: 401, code: 190, message: 'Invalid OAuth access token' })
    expect(await send()).toMatchObject({ ok: false, permanent: false })
  })

  it('keeps its rate for the outbox and reads the window from the contact’s last message', async () => {
    expect(channel().ratePerSecond).toBe(80)
    await database.db.update(contacts).set({ lastSeenAt: hoursAgo(23.9) }).where(eq(contacts.channelUserId, '50255550003'))
    expect((await channel().send('50255550003', { text: 'todavía a tiempo' })).ok).toBe(true)
  })
})
