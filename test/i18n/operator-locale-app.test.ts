import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compose, type Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createTranslate } from '../../src/i18n/index.js'
import { webchatConversation } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

/** An operator's folder holding one made-up, mostly untranslated language (qxx). */
const LOCALES_DIR = join(import.meta.dirname, '../fixtures/locales')

describe.each(databaseKinds)('a language an operator added as a file, through the app on %s', (kind) => {
  let database: Database
  let composed: Composed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: {
        SEED_FILE: './seed/directory.json',
        SESSION_TTL_MINUTES: 60,
        DEFAULT_LOCALE: 'es',
        OUTBOX_POLL_MS: 50,
        RETENTION_DAYS: 180,
        LOCALES_DIR,
        LOCALE_MIN_COMPLETENESS: 1,
      },
      logger: silentLogger,
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('is offered in the web chat, chosen, and then speaks its own texts with Spanish for the rest', async () => {
    const chat = webchatConversation(composed.app, 'operator-locale-qxx')
    await chat.say('idioma')
    expect(chat.choices()).toEqual(['Español', 'English', 'Qxx de prueba'])
    await chat.press(/Qxx/)
    const t = createTranslate()
    expect(chat.text()).toBe(['[qxx] Listo: idioma de prueba.', t('es', 'menu.welcome'), '[qxx] ¿Qué desea hacer?'].join('\n'))
    // its own word for help works, and the help itself is read in Spanish
    await chat.say('qxayuda')
    expect(chat.text()).toContain(t('es', 'engine.help'))
  })
})
