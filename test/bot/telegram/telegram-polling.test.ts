import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Channel } from '../../../src/bot/channel.js'
import { createTelegramChannel } from '../../../src/bot/channels/telegram/telegram-channel.js'
import { type Composed, compose } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { cases, contacts, inboundMessages, media, outbox } from '../../../src/db/schema/index.js'
import { TRACKING_CODE } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { telegramChat, textOf } from '../../support/telegram-chat.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { metadataOf, phonePhoto } from '../../support/photo.js'

const MAX_MEDIA = 4096
/** A recorded update from test/fixtures/telegram/. */
const fixture = (name: string): Record<string, unknown> =>
  z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}.json`, import.meta.url), 'utf8')))

describe.each(databaseKinds)('the Telegram channel, long polling, on %s', (kind) => {
  let database: Database
  let composed: Composed
  let fake: FakeBotApi
  let telegram: Channel
  const chat = (chatId: number, user?: { language_code?: string }) => telegramChat({ fake, db: database.db }, chatId, user)

  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: {
        SEED_FILE: './seed/directory.json',
        SESSION_TTL_MINUTES: 60,
        DEFAULT_LOCALE: 'es',
        OUTBOX_POLL_MS: 20,
        RETENTION_DAYS: 180,
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: fake.url,
        MEDIA_MAX_BYTES: MAX_MEDIA,
      },
      logger: silentLogger,
    })
    // the channel main.ts gets, with Telegram's per-chat pace lifted: a test citizen answers
    // faster than one message a second and the rate limiter has its own test
    telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
    })
    composed.channels.set('telegram', telegram)
    await telegram.start?.(composed.runtime.handle)
    composed.outbox.start()
  })
  afterAll(async () => {
    await composed.outbox.stop()
    await telegram.stop?.()
    await fake.close()
    await database.close()
  })

  it('is wired from TELEGRAM_BOT_TOKEN and sets the command menu in Spanish and English', () => {
    expect(composed.channels.get('telegram')?.kind).toBe('telegram')
    const commands = fake.calls.filter((call) => call.method === 'setMyCommands').map((call) => call.payload)
    expect(commands).toContainEqual(expect.objectContaining({ language_code: 'es', commands: expect.arrayContaining([{ command: 'estado', description: expect.any(String) }]) }))
    expect(commands).toContainEqual(expect.objectContaining({ language_code: 'en', commands: expect.arrayContaining([{ command: 'status', description: expect.any(String) }]) }))
  })

  it('files a typed complaint, gives a tracking code and answers its status', async () => {
    const citizen = chat(610000001)
    expect(textOf(await citizen.say('/start'))).toContain('¿Qué desea hacer?')
    await citizen.say('1')
    await citizen.say('salud')
    expect(textOf(await citizen.say('medicamentos'))).toContain('compartir su ubicación')
    await citizen.say('guatemala')
    await citizen.say('mixco')
    await citizen.say('Centro de Salud (zona 1) de Mixco')
    await citizen.say('no')
    await citizen.say('No hay *amoxicilina* ni_suero desde el 3.11. ¡Nadie responde! [urgente]')
    await citizen.say('no')
    expect(textOf(await citizen.say('confidencial'))).toContain('¿Podemos enviarle avisos')
    const summary = textOf(await citizen.say('sí'))
    // MarkdownV2: reserved characters were escaped, so the text arrives exactly as written
    expect(summary).toContain('No hay *amoxicilina* ni_suero desde el 3.11. ¡Nadie responde! [urgente]')
    const done = textOf(await citizen.say('sí'))
    const code = TRACKING_CODE.exec(done)?.[0]
    expect(code).toBeDefined()
    expect(textOf(await citizen.say(`/estado ${code}`))).toContain(`Caso ${code}`)
  })

  it('files a complaint by pressing buttons: inline ones, long lists as a reply keyboard', async () => {
    const citizen = chat(610000002)
    const menu = await citizen.say('hola')
    expect(menu.at(-1)?.replyMarkup?.inline_keyboard?.flat().map((b) => b.text)).toContain('Presentar una queja 📝')
    await citizen.press(/Presentar una queja/)
    await citizen.press(/^Educación/)
    const place = await citizen.press(/Alimentación escolar/)
    const keyboard = place.at(-1)?.replyMarkup?.keyboard
    expect(keyboard?.[0]).toEqual([{ text: '📍 Compartir mi ubicación', request_location: true }])
    expect(keyboard?.flat().map((b) => b.text)).toContain('Quetzaltenango')
    await citizen.press(/^Quetzaltenango$/)
    await citizen.press(/^Salcajá$/)
    await citizen.say('Escuela Oficial Rural Mixta Aldea Santa Rita')
    await citizen.press(/^No 👎$/)
    await citizen.say('Desde agosto los niños no reciben la refacción escolar.')
    await citizen.say('no')
    await citizen.press(/^Anónimo/)
    const done = textOf(await citizen.press(/^Sí 👍$/))
    const code = TRACKING_CODE.exec(done)?.[0]
    expect(code).toBeDefined()
    const [row] = await database.db.select().from(cases).where(eq(cases.code, code ?? ''))
    expect(row).toMatchObject({ sector: 'education', municipalityCode: '0902', identityMode: 'anonymous', contactId: null, channel: 'telegram' })
    // the spinner of every pressed button was stopped
    expect(fake.calls.filter((call) => call.method === 'answerCallbackQuery').length).toBeGreaterThanOrEqual(3)
  })

  it('places a shared location (recorded update) in Mixco and asks the citizen to confirm it', async () => {
    const update = fixture('location')
    const citizen = chat(710000003)
    await citizen.say('hola')
    await citizen.say('queja')
    await citizen.say('salud')
    await citizen.say('maltrato')
    const confirm = (await citizen.update(update)).replies
    expect(textOf(confirm)).toBe('¿Es en Mixco, Guatemala?')
    expect(textOf(await citizen.press(/^Sí 👍$/))).toContain('¿Cómo se llama el lugar?')
  })

  async function atEvidence(chatId: number) {
    const citizen = chat(chatId)
    for (const answer of ['hola', 'queja', 'salud', 'medicamentos', 'guatemala', 'mixco', 'Centro de Salud de Mixco', 'no']) await citizen.say(answer)
    await citizen.say('No hay medicinas para la presión desde hace un mes.')
    return citizen
  }

  it('keeps a photo (recorded update) as the evidence of the case, without its metadata, and a redelivery creates nothing new', async () => {
    const photo = await phonePhoto()
    fake.addFile('AgACAgEAAxkBAAMpZ_large', photo)
    const update = fixture('photo')
    const citizen = await atEvidence(710000001)
    const { replies, queued } = await citizen.update(update)
    expect(textOf(replies)).toContain('Recibí su foto')
    expect(textOf(replies)).toContain('¿Cómo quiere presentar su queja?')
    await citizen.say('con mi nombre')
    await citizen.say('no')
    const code = TRACKING_CODE.exec(textOf(await citizen.say('sí')))?.[0] ?? ''
    const [stored] = await database.db
      .select({ kind: media.kind, mimeType: media.mimeType, size: media.size, sha256: media.sha256, code: cases.code, content: media.content })
      .from(media)
      .innerJoin(cases, eq(cases.id, media.caseId))
      .where(eq(cases.code, code))
    expect(stored).toEqual({ kind: 'image', mimeType: 'image/jpeg', size: stored?.content.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), code, content: expect.any(Buffer) })
    expect(await metadataOf(stored?.content ?? photo)).toMatchObject({ exif: false, xmp: false })

    const counts = async () => ({
      media: (await database.db.select({ id: media.id }).from(media)).length,
      outbox: (await database.db.select({ id: outbox.id }).from(outbox)).length,
      cases: (await database.db.select({ id: cases.id }).from(cases)).length,
    })
    const before = await counts()
    fake.redeliver(queued)
    // the next message of the same chat is handled after the redelivered one
    const help = await citizen.say('ayuda')
    expect(await counts()).toEqual({ ...before, outbox: before.outbox + help.length })
    expect(textOf(help)).not.toContain('¿Cómo quiere presentar su queja?')
  })

  it('takes a voice note (recorded update) as evidence', async () => {
    fake.addFile('AwACAgEAAxkBAAM5voice', Buffer.from('OggS voice'))
    const citizen = await atEvidence(710000002)
    expect(textOf((await citizen.update(fixture('voice'))).replies)).toContain('¿Cómo quiere presentar su queja?')
    const [row] = await database.db.select({ kind: media.kind, mimeType: media.mimeType }).from(media).where(eq(media.kind, 'voice'))
    expect(row).toEqual({ kind: 'voice', mimeType: 'audio/ogg' })
  })

  it('refuses a file over MEDIA_MAX_BYTES kindly and asks again', async () => {
    fake.addFile('BQACAgEAAxkBAAbig', Buffer.alloc(MAX_MEDIA + 1))
    const citizen = await atEvidence(610000003)
    const replies = await citizen.send({ document: { file_id: 'BQACAgEAAxkBAAbig', file_unique_id: 'big', mime_type: 'application/pdf' } })
    expect(textOf(replies)).toContain('demasiado grande')
    expect(textOf(replies)).toContain('Si tiene una foto')
  })

  it('answers a group message (recorded update) with a hint to write in private, and keeps nothing', async () => {
    const update = fake.push(fixture('group'))
    const [hint] = await fake.waitFor(-1001987654321, 1)
    expect(hint?.text).toContain('https://t.me/dialogo_test_bot')
    expect(await database.db.select().from(contacts).where(eq(contacts.channelUserId, '-1001987654321'))).toEqual([])
    expect(await database.db.select().from(contacts).where(eq(contacts.channelUserId, '710000004'))).toEqual([])
    expect(await database.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, `7000001:${String(update['update_id'])}`))).toEqual([])
  })

  it('answers a sticker and an edited message (recorded updates) kindly, with the same question again', async () => {
    const citizen = chat(710000005)
    await citizen.say('hola')
    await citizen.say('queja')
    const sticker = textOf((await citizen.update(fixture('sticker'))).replies)
    expect(sticker).toContain('stickers')
    expect(sticker).toContain('¿Sobre qué servicio es su queja?')
    const edited = textOf((await citizen.update(fixture('edited'))).replies)
    expect(edited).toContain('mensajes editados')
    expect(edited).toContain('¿Sobre qué servicio es su queja?')
  })

  it('speaks the language Telegram reports for the user', async () => {
    const citizen = chat(610000004, { language_code: 'en' })
    expect(textOf(await citizen.say('hello'))).toContain('What would you like to do?')
  })

  it('gives a 429 back to the outbox, which sends again after its retry_after, and the reply still arrives', async () => {
    fake.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } })
    const attempts = fake.calls.filter((call) => call.method === 'sendMessage').length
    const citizen = chat(610000005)
    const replies = await citizen.say('hola')
    expect(textOf(replies)).toContain('¿Qué desea hacer?')
    expect(fake.calls.filter((call) => call.method === 'sendMessage').length).toBe(attempts + replies.length + 1)
    const rows = await database.db.select({ status: outbox.status, attempts: outbox.attempts }).from(outbox).where(eq(outbox.address, '610000005')).orderBy(outbox.id)
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(replies.map((_, index) => ['sent', index === 0 ? 2 : 1]))
  })

  it('reports a chat that blocked the bot as a permanent failure', async () => {
    fake.failNext('sendMessage', 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })
    expect(await telegram.send('610000006', { text: 'Su caso fue atendido.' })).toEqual({
      ok: false,
      permanent: true,
      failure: 'blocked',
      error: '403: Forbidden: bot was blocked by the user',
    })
  })
})
