import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { Channel } from '../../../src/bot/channel.js'
import { createTelegramChannel } from '../../../src/bot/channels/telegram/telegram-channel.js'
import { type Composed, compose } from '../../../src/compose.js'
import { CaseDraftSchema, VOICE_DESCRIPTION } from '../../../src/cases/create-case.js'
import type { Database } from '../../../src/db/client.js'
import { caseStats, cases, media } from '../../../src/db/schema/index.js'
import { countCases } from '../../../src/stats/count-cases.js'
import { StatsQuerySchema } from '../../../src/stats/stats-query.js'
import { CaseDetailSchema, CasePageSchema } from '../../../src/api/case-schemas.js'
import { TRACKING_CODE } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { telegramChat, textOf } from '../../support/telegram-chat.js'
import { capturingLogger } from '../../privacy/attacks/capture-log.js'
import { HOLA_OGG } from './recordings-dir.js'

const VOICE_FILE = 'AwACAgEAAxkBAAM5voice-complaint'

describe.each(databaseKinds)('a complaint told in a voice note, through Telegram on %s', (kind) => {
  let database: Database
  let composed: Composed
  let fake: FakeBotApi
  let telegram: Channel
  let adminToken: string
  const log = capturingLogger()

  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 20, RETENTION_DAYS: 180, MEDIA_MAX_BYTES: 64 * 1024 },
      logger: log.logger,
    })
    telegram = createTelegramChannel({
      db: database.db,
      logger: log.logger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
    })
    composed.channels.set('telegram', telegram)
    await telegram.start?.(composed.runtime.handle)
    composed.outbox.start()
    adminToken = (await createToken(database.db, { name: 'test admin', role: 'admin' })).token
  })
  afterAll(async () => {
    await composed?.outbox.stop()
    // the fake answers a waiting long poll at once when it closes, so the runner stops without waiting it out
    await fake?.close()
    await telegram?.stop?.()
    await database?.close()
  })

  /** A voice note as Telegram sends it, the file behind it held by the fake Bot API. */
  const voiceNote = (chatId: number, fileId: string, content: Buffer, mimeType = 'audio/ogg') => {
    fake.addFile(fileId, content)
    return { voice: { duration: 6, mime_type: mimeType, file_id: fileId, file_unique_id: `u-${fileId}`, file_size: content.length }, chat: { id: chatId, type: 'private' } }
  }

  async function atDescription(chatId: number) {
    const citizen = telegramChat({ fake, db: database.db }, chatId)
    for (const answer of ['hola', 'queja', 'salud', 'medicamentos', 'guatemala', 'mixco', 'Centro de Salud de Mixco']) await citizen.say(answer)
    expect(textOf(await citizen.say('no'))).toContain('Cuéntenos qué pasó')
    return citizen
  }

  let code = ''

  it('files the case with the voice note as its account, marked for listening, and tells the citizen it was received', async () => {
    const citizen = await atDescription(630000001)
    const told = textOf(await citizen.send(voiceNote(630000001, VOICE_FILE, readFileSync(HOLA_OGG))))
    expect(told).toContain('Recibí su nota de voz')
    expect(told).toContain('foto')
    await citizen.say('no')
    await citizen.say('confidencial')
    const review = textOf(await citizen.say('sí'))
    expect(review).toContain('Su relato: 🎤 nota de voz')
    const done = textOf(await citizen.say('sí'))
    code = TRACKING_CODE.exec(done)?.[0] ?? ''
    expect(code).not.toBe('')

    const [row] = await database.db.select().from(cases).where(eq(cases.code, code))
    expect(row).toMatchObject({ needsListening: true, description: VOICE_DESCRIPTION, identityMode: 'confidential', channel: 'telegram' })
    const files = await database.db.select({ kind: media.kind, mimeType: media.mimeType, content: media.content }).from(media).where(eq(media.caseId, row?.id ?? ''))
    expect(files).toEqual([{ kind: 'voice', mimeType: 'audio/ogg', content: readFileSync(HOLA_OGG) }])
  })

  it('shows staff the mark and the voice note in the case, and finds it with ?needsListening=true', async () => {
    const headers = { authorization: `Bearer ${adminToken}` }
    const detail = CaseDetailSchema.parse(await (await composed.app.request(`/api/v1/cases/${code}`, { headers })).json())
    expect(detail.needsListening).toBe(true)
    expect(detail.evidence.map((file) => [file.kind, file.mimeType])).toEqual([['voice', 'audio/ogg']])
    const download = await composed.app.request(detail.evidence[0]?.path ?? '', { headers })
    expect(Buffer.from(await download.arrayBuffer())).toEqual(readFileSync(HOLA_OGG))

    const marked = CasePageSchema.parse(await (await composed.app.request('/api/v1/cases?needsListening=true', { headers })).json())
    expect(marked.items.map((item) => item.code)).toEqual([code])
    const others = CasePageSchema.parse(await (await composed.app.request('/api/v1/cases?needsListening=false', { headers })).json())
    expect(others.items.map((item) => item.code)).not.toContain(code)
  })

  it('counts the voice-only complaint in the statistics like any other', async () => {
    const [row] = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.code, code))
    const [counted] = await database.db.select().from(caseStats).where(eq(caseStats.caseId, row?.id ?? ''))
    expect(counted).toMatchObject({ sector: 'health', category: 'medicine_shortage' })
    const answer = await countCases(database.db, StatsQuerySchema.parse({ sector: 'health' }), 1)
    expect(answer.total).toBe(1)
  })

  it('never writes the voice note or the chat id to the log', () => {
    const written = log.output()
    expect(written).not.toContain('630000001')
    expect(written).not.toContain(VOICE_FILE)
    expect(written).not.toContain(readFileSync(HOLA_OGG).subarray(0, 16).toString('base64'))
  })

  it('refuses a voice note over MEDIA_MAX_BYTES kindly and keeps the question', async () => {
    const citizen = await atDescription(630000002)
    const told = textOf(await citizen.send(voiceNote(630000002, `${VOICE_FILE}-big`, Buffer.alloc(65 * 1024, 1))))
    expect(told).toContain('Cuéntenos qué pasó')
    const stored = await database.db.select({ id: media.id }).from(media).where(eq(media.size, 65 * 1024))
    expect(stored).toEqual([])
  })

  it('refuses a recording of a type that is kept for no one (a "voice" that is a program)', async () => {
    const citizen = await atDescription(630000003)
    const told = textOf(await citizen.send(voiceNote(630000003, `${VOICE_FILE}-exe`, Buffer.from('MZ\u0090\u0000 not audio'), 'application/x-msdownload')))
    expect(told).toContain('Cuéntenos qué pasó')
  })
})

describe('CaseDraftSchema', () => {
  const draft = { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108', identity: 'confidential' } as const
  it('takes an empty description only when a voice note stands in for it', () => {
    expect(CaseDraftSchema.safeParse({ ...draft, description: '' }).success).toBe(false)
    expect(CaseDraftSchema.safeParse({ ...draft, description: '   ' }).success).toBe(false)
    expect(CaseDraftSchema.safeParse({ ...draft, description: '', descriptionVoice: 'b3f1c1de-0a3e-4c11-9a51-4c2f2b7e9d10' }).success).toBe(true)
    expect(CaseDraftSchema.safeParse({ ...draft, description: '', descriptionVoice: '../media/1' }).success).toBe(false)
  })
})
