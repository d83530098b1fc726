import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildVocabulary, parseGlobalCommand } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { BUILT_IN_LOCALES_DIR, loadLocales } from '../../src/i18n/index.js'
import { chat } from './chat.js'
import { testContext } from './context.js'

/** The operator's folder of this test: one made-up, mostly untranslated language (qxx). */
const OPERATOR_DIR = join(import.meta.dirname, '../fixtures/locales')
const locales = loadLocales([BUILT_IN_LOCALES_DIR, OPERATOR_DIR])

/** The engine as compose.ts builds it, with the language menu offering locales at least `minPercent` complete. */
function contextAt(minPercent: number) {
  const offered = locales.offered({ minPercent, defaultLocale: 'es' })
  return testContext({ t: locales.t, locales: offered, vocabulary: buildVocabulary({ flows, locales: offered, text: locales.own }) })
}

describe('a language added as a file in the operator’s folder', () => {
  it('is not offered while below the completeness threshold (100% by default)', () => {
    const talk = chat({ ctx: contextAt(100), flow: 'language' })
    const [question] = talk.send('hola').replies
    expect(question?.choices?.map((choice) => choice.id)).toEqual(['es', 'en'])
    // nor can it be switched to by its code: "idioma qxx" opens the question instead
    const typed = chat({ ctx: contextAt(100) }).send('idioma qxx')
    expect(typed.session).toMatchObject({ locale: 'es', flowId: 'language' })
  })

  it('is offered under its own name once the threshold allows it, after Spanish and English', () => {
    const talk = chat({ ctx: contextAt(1), flow: 'language' })
    const [question] = talk.send('hola').replies
    expect(question?.choices).toEqual([
      { id: 'es', label: 'Español' },
      { id: 'en', label: 'English' },
      { id: 'qxx', label: 'Qxx de prueba' },
    ])
  })

  it('is chosen by number, speaks its own texts and Spanish where it has none', () => {
    const talk = chat({ ctx: contextAt(1), flow: 'language' })
    const chosen = talk.send('3')
    expect(chosen.session).toMatchObject({ locale: 'qxx', flowId: 'menu', nodeId: 'action' })
    const [changed, welcome, prompt] = talk.texts(chosen)
    expect(changed).toBe('[qxx] Listo: idioma de prueba.')
    // no welcome of its own: the Spanish one
    expect(welcome).toBe(locales.t('es', 'menu.welcome'))
    expect(prompt).toBe('[qxx] ¿Qué desea hacer?')
  })

  it('is switched to with "idioma <code>" or its name, and keeps the citizen’s place', () => {
    const talk = chat({ ctx: contextAt(1), flow: 'complaint' })
    talk.send('salud')
    const switched = talk.send('idioma qxx')
    expect(switched.session).toMatchObject({ locale: 'qxx', flowId: 'complaint', nodeId: 'category' })
    expect(chat({ ctx: contextAt(1) }).send('idioma prueba').session.locale).toBe('qxx')
  })

  it('brings its own command, trigger and yes words, which work in any conversation', () => {
    const ctx = contextAt(1)
    expect(parseGlobalCommand('qxayuda', ctx.vocabulary)).toEqual({ name: 'help' })
    expect(parseGlobalCommand('qxestado K7QM3-XHA2P', ctx.vocabulary)).toEqual({ name: 'flow', flow: 'status', code: 'K7QM3-XHA2P' })
    const talk = chat({ ctx })
    expect(talk.texts(talk.send('QXAYUDA'))[0]).toBe(locales.t('es', 'engine.help'))
    const forget = chat({ ctx })
    forget.send('borrar mis datos')
    expect(forget.send('qxsi').effects).toEqual([{ type: 'contact.forget', args: {} }])
  })

  it('adds no words while it is not offered', () => {
    expect(parseGlobalCommand('qxayuda', contextAt(100).vocabulary)).toBeNull()
  })
})
