import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAudioPrompts } from '../../../src/bot/audio-prompts.js'
import type { Channel } from '../../../src/bot/channel.js'
import { createTelegramChannel } from '../../../src/bot/channels/telegram/telegram-channel.js'
import { type Composed, compose } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { telegramChat, textOf } from '../../support/telegram-chat.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { HOLA_OGG, recordingsDir, TINY_MP3 } from './recordings-dir.js'

// The channel's sending only: one database kind is enough (the outbox has its own tests on both).
describe('audio prompts through the Telegram adapter', () => {
  let database: Database
  let composed: Composed
  let fake: FakeBotApi
  let telegram: Channel
  let folder: ReturnType<typeof recordingsDir>

  beforeAll(async () => {
    // the menu's question is recorded, its welcome is not; the sector question as MP3
    folder = recordingsDir({ 'es/menu.prompt.ogg': 'ogg', 'es/complaint.sector.prompt.mp3': 'mp3', 'en/menu.prompt.ogg': 'ogg' })
    fake = await startFakeBotApi()
    database = await freshDatabase('pglite')
    composed = await compose({
      database,
      config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 20, RETENTION_DAYS: 180, AUDIO_PROMPTS_DIR: folder.dir },
      logger: silentLogger,
    })
    // as create-channels wires it, with the per-chat pace lifted (the limiter has its own test)
    telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
      audio: await loadAudioPrompts(folder.dir),
    })
    composed.channels.set('telegram', telegram)
    await telegram.start?.(composed.runtime.handle)
    composed.outbox.start()
  })
  afterAll(async () => {
    await composed?.outbox.stop()
    // the fake answers a waiting long poll at once when it closes, so the runner stops without waiting it out
    await fake?.close()
    await telegram?.stop?.()
    await database?.close()
    folder?.remove()
  })

  it('sends the recorded question as a voice note, uploaded with its bytes, and then its text and buttons', async () => {
    const citizen = telegramChat({ fake, db: database.db }, 620000001)
    const replies = await citizen.say('/start')
    // the welcome (no recording) and the question, both as text
    expect(textOf(replies)).toContain('¿Qué desea hacer?')
    expect(replies).toHaveLength(2)
    const voices = fake.recordings.filter((r) => r.chatId === '620000001')
    expect(voices).toHaveLength(1)
    expect(voices[0]?.method).toBe('sendVoice')
    expect(voices[0]?.upload?.bytes).toEqual(readFileSync(HOLA_OGG))
    expect(voices[0]?.upload?.filename).toBe('menu.prompt.ogg')
    // the voice note comes before the question, so the question and its buttons stay at the bottom
    const order = fake.calls.filter((call) => String(call.payload['chat_id']) === '620000001' && /^send/.test(call.method)).map((call) => call.method)
    expect(order).toEqual(['sendMessage', 'sendVoice', 'sendMessage'])
    expect(replies.at(-1)?.replyMarkup?.inline_keyboard?.flat().map((b) => b.text)).toContain('Presentar una queja 📝')
  })

  it('sends a recording again by the file_id Telegram gave, without uploading it twice', async () => {
    const citizen = telegramChat({ fake, db: database.db }, 620000002)
    await citizen.say('hola')
    const voices = fake.recordings.filter((r) => r.chatId === '620000002')
    expect(voices).toHaveLength(1)
    expect(voices[0]?.upload).toBeUndefined()
    expect(voices[0]?.fileId).toMatch(/^voice-file-\d+$/)
  })

  it('sends an MP3 recording as audio, and text alone where a message has no recording', async () => {
    const citizen = telegramChat({ fake, db: database.db }, 620000003)
    await citizen.say('hola')
    const before = fake.recordings.length
    const replies = await citizen.say('1')
    expect(textOf(replies)).toContain('¿Sobre qué servicio es su queja?')
    const audio = fake.recordings.slice(before)
    expect(audio).toEqual([{ chatId: '620000003', method: 'sendAudio', upload: { filename: 'complaint.sector.prompt.mp3', bytes: TINY_MP3 } }])
    // "¿Qué pasó?" has no recording: text only
    const afterSector = fake.recordings.length
    expect(textOf(await citizen.say('salud'))).toContain('¿Qué pasó?')
    expect(fake.recordings.length).toBe(afterSector)
  })

  it("sends the recording of the citizen's language only", async () => {
    const before = fake.recordings.length
    const result = await telegram.send('620000004', { text: 'What would you like to do?', prompt: { key: 'menu.prompt', locale: 'en' } })
    expect(result.ok).toBe(true)
    expect(fake.recordings.slice(before).map((r) => r.method)).toEqual(['sendVoice'])
    const none = await telegram.send('620000004', { text: 'Que desea hacer', prompt: { key: 'menu.prompt', locale: 'quc' } })
    expect(none.ok).toBe(true)
    expect(fake.recordings.length).toBe(before + 1)
  })

  it('still delivers the text when Telegram refuses the voice note', async () => {
    fake.failNext('sendVoice', 400, { ok: false, error_code: 400, description: 'Bad Request: VOICE_MESSAGES_FORBIDDEN' })
    const sentBefore = fake.to('620000005').length
    const result = await telegram.send('620000005', { text: '¿Qué desea hacer?', prompt: { key: 'menu.prompt', locale: 'es' } })
    expect(result.ok).toBe(true)
    expect(fake.to('620000005').slice(sentBefore).map((m) => m.text)).toEqual(['¿Qué desea hacer?'])
  })

  it('never sends a file for a key that tries to leave the folder', async () => {
    const before = fake.recordings.length
    const result = await telegram.send('620000006', { text: 'x', prompt: { key: '../es/menu.prompt', locale: 'es' } })
    expect(result.ok).toBe(true)
    expect(fake.recordings.length).toBe(before)
  })
})
