import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChannels } from '../src/bot/create-channels.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { type Database, openDatabase } from '../src/db/client.js'
import { silentLogger } from './support/tiny-engine.js'

describe('loadConfig: Telegram and media settings', () => {
  it('leaves Telegram off and keeps evidence up to 10 MB by default', () => {
    const config = loadConfig({})
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined()
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org')
    expect(config.MEDIA_MAX_BYTES).toBe(10_485_760)
  })

  it('takes a BotFather token, a webhook URL, a secret and a self-hosted API root', () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: 'a_secret-1',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      MEDIA_MAX_BYTES: '2000000',
    })
    expect(config).toMatchObject({ TELEGRAM_WEBHOOK_SECRET: 'a_secret-1', MEDIA_MAX_BYTES: 2_000_000 })
  })

  it('names the variable when a token or secret is malformed', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'not a token' })).toThrow(ConfigError)
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'not a token' })).toThrow(/TELEGRAM_BOT_TOKEN/)
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/)
  })
})

describe('createChannels', () => {
  let database: Database
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite' })
  })
  afterAll(async () => {
    await database.close()
  })

  it('runs the web chat only when no Telegram token is set', () => {
    const channels = createChannels({ db: database.db, config: loadConfig({}), logger: silentLogger })
    expect([...channels.keys()]).toEqual(['webchat'])
  })
})
