import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChannels } from '../../src/bot/create-channels.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

describe('WhatsApp settings', () => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase('pglite')
  })
  afterAll(async () => {
    await database.close()
  })
  const channelsFor = (env: Record<string, string>) => createChannels({ db: database.db, logger: silentLogger, config: loadConfig(env) })

  it('runs neither WhatsApp channel when nothing is set', () => {
    expect([...channelsFor({}).keys()]).toEqual(['webchat'])
  })

  it('turns Baileys on with WHATSAPP_BAILEYS=1 and the Cloud API on with its four variables', () => {
    const channels = channelsFor({
      WHATSAPP_BAILEYS: '1',
      WHATSAPP_CLOUD_TOKEN: 'EAAG-token',
      WHATSAPP_CLOUD_PHONE_ID: '106540352242922',
      WHATSAPP_CLOUD_APP_SECRET: 'secret',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify',
    })
    expect(channels.get('whatsapp-baileys')?.ratePerSecond).toBe(1)
    expect(channels.get('whatsapp-cloud')?.ratePerSecond).toBe(80)
    expect(channels.get('whatsapp-cloud')?.routes).toBeDefined()
  })

  it('stops start-up naming each Cloud API variable missing beside the token', () => {
    expect(() => channelsFor({ WHATSAPP_CLOUD_TOKEN: 'EAAG-token', WHATSAPP_CLOUD_PHONE_ID: '106540352242922' })).toThrow(
      new ConfigError('invalid configuration: WHATSAPP_CLOUD_APP_SECRET="": required when WHATSAPP_CLOUD_TOKEN is set; WHATSAPP_CLOUD_VERIFY_TOKEN="": required when WHATSAPP_CLOUD_TOKEN is set'),
    )
  })

  it('names a malformed WhatsApp variable', () => {
    expect(() => loadConfig({ WHATSAPP_CLOUD_PHONE_ID: '+502 5555' })).toThrow(/WHATSAPP_CLOUD_PHONE_ID/)
    expect(() => loadConfig({ WHATSAPP_BAILEYS_PAIRING_NUMBER: '+502 5555 0000' })).toThrow(/WHATSAPP_BAILEYS_PAIRING_NUMBER/)
  })
})
