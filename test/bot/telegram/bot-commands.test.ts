import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildVocabulary, parseGlobalCommand } from '../../../src/bot/engine/index.js'
import { commandMenus } from '../../../src/bot/channels/telegram/bot-commands.js'
import { createTelegramChannel } from '../../../src/bot/channels/telegram/telegram-channel.js'
import type { Database } from '../../../src/db/client.js'
import { flows } from '../../../src/flows/index.js'
import { BUILT_IN_LOCALES_DIR, loadLocales } from '../../../src/i18n/index.js'
import { freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { silentLogger } from '../../support/tiny-engine.js'

/**
 * A language an operator adds as a file, with its own command words and no descriptions of its
 * own: Telegram must get its menu from those words, the descriptions in Spanish.
 */
const FRENCH = {
  language: { name: 'Français', aliases: 'francais' },
  engine: {
    commands: { menu: 'menú principal de la conversación de hoy sí, accueil', help: 'aide-moi', cancel: 'annuler', language: '🌐, langue' },
  },
  status: { triggers: 'où en est mon dossier' },
}

type Call = { language_code?: string; commands: { command: string; description: string }[] }

function setMyCommandsCalls(fake: FakeBotApi): Call[] {
  return fake.calls.filter((call) => call.method === 'setMyCommands').map((call) => call.payload as Call)
}

describe('the Telegram command menu', () => {
  let fake: FakeBotApi
  let database: Database
  let dir: string
  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase('pglite')
    dir = mkdtempSync(join(tmpdir(), 'dialogo-locales-'))
    writeFileSync(join(dir, 'fr.json'), JSON.stringify(FRENCH))
  })
  afterAll(async () => {
    await fake.close()
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function startChannel(options: Partial<Parameters<typeof createTelegramChannel>[0]> = {}) {
    const before = setMyCommandsCalls(fake).length
    const channel = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      // webhook mode: no long poll left running after the test
      webhook: { url: 'https://dialogo.example/webhooks/telegram', secret: 'test-secret' },
      ...options,
    })
    // no update arrives: the menus are set at start-up
    await channel.start?.(async () => ({ duplicate: false, replies: [] }))
    await channel.stop?.()
    return setMyCommandsCalls(fake).slice(before)
  }

  it('is set per language from the built-in locale files, and in Spanish for every other language', async () => {
    const calls = await startChannel()
    const names = (call: Call | undefined) => call?.commands.map((command) => command.command)
    expect(calls.map((call) => call.language_code)).toEqual(['es', 'en', undefined])
    expect(names(calls[0])).toEqual(['menu', 'estado', 'idioma', 'cancelar', 'ayuda'])
    expect(names(calls[1])).toEqual(['menu', 'status', 'language', 'cancel', 'help'])
    expect(calls[2]?.commands).toEqual(calls[0]?.commands)
    expect(calls[1]?.commands[1]).toEqual({ command: 'status', description: 'See how your case is going: /status and the code' })
    expect(calls[0]?.commands[0]).toEqual({ command: 'menu', description: 'Volver al inicio' })
  })

  it('gives a language added as a file its own commands, from its words; a three-letter code sees the default menu', async () => {
    const locales = loadLocales([BUILT_IN_LOCALES_DIR, join(import.meta.dirname, '../../fixtures/locales'), dir])
    const offered = ['es', 'en', 'fr', 'qxx']
    const calls = await startChannel({ commandMenus: commandMenus({ flows, locales: offered, defaultLocale: 'es', own: locales.own, t: locales.t }) })
    // Telegram takes two-letter codes only: qxx has no menu of its own
    expect(calls.map((call) => call.language_code)).toEqual(['es', 'en', 'fr', undefined])
    const french = calls[2]?.commands ?? []
    // a phrase too long for a command is skipped for the next word; words of several words are
    // joined by "_", accents folded; the emoji is no command; no description of its own: Spanish
    expect(french).toEqual([
      { command: 'accueil', description: 'Volver al inicio' },
      { command: 'ou_en_est_mon_dossier', description: 'Ver cómo va su caso: /estado y el código' },
      { command: 'langue', description: 'Cambiar el idioma' },
      { command: 'annuler', description: 'Dejar lo que estamos haciendo' },
      { command: 'aide_moi', description: 'Ver las palabras que funcionan siempre' },
    ])
    for (const { command } of french) expect(command).toMatch(/^[a-z0-9_]{1,32}$/)
    // and each command, pressed, is what the engine understands
    const vocabulary = buildVocabulary({ flows, locales: offered, text: locales.own })
    expect(french.map(({ command }) => parseGlobalCommand(`/${command}`, vocabulary))).toEqual([
      { name: 'menu' },
      { name: 'flow', flow: 'status' },
      { name: 'language' },
      { name: 'cancel' },
      { name: 'help' },
    ])
  })
})
