import { describe, expect, it } from 'vitest'
import { buildVocabulary, parseGlobalCommand, validateEffects, validateFlows, type Flow, type OwnText } from '../../src/bot/engine/index.js'
import { createEffectHandlers } from '../../src/flows/effect-handlers.js'
import { flows } from '../../src/flows/index.js'
import { sharedLocales } from '../../src/i18n/index.js'

const end = { kind: 'end' } as const

/** A flow that says one thing; with `extra` its triggers, role or nodes. */
function flow(id: string, extra: Partial<Flow> = {}): Flow {
  return { id, title: `${id}.title`, start: 'done', nodes: { done: end }, ...extra }
}

/** Locale texts from a table, as a locale file would hold them: `{ es: { key: words } }`. */
function texts(table: Record<string, Record<string, string>>): OwnText {
  return (locale, key) => table[locale]?.[key]
}

describe('buildVocabulary', () => {
  const menu = flow('start', { role: 'menu' })

  it('reads a flow’s trigger words from each locale, with and without a code', () => {
    const vocabulary = buildVocabulary({
      flows: { start: menu, office: flow('office', { triggers: { words: 'office.triggers', code: 'none' } }), note: flow('note', { triggers: { words: 'note.triggers', code: 'required' } }) },
      locales: ['es', 'en'],
      text: texts({ es: { 'office.triggers': 'oficina', 'note.triggers': 'nota' }, en: { 'office.triggers': 'office', 'note.triggers': 'note' } }),
    })
    expect(parseGlobalCommand('Oficina', vocabulary)).toEqual({ name: 'flow', flow: 'office' })
    expect(parseGlobalCommand('/office', vocabulary)).toEqual({ name: 'flow', flow: 'office' })
    expect(parseGlobalCommand('oficina K7QM3-XHA2P', vocabulary)).toBeNull()
    expect(parseGlobalCommand('note k7qm3-xha2p', vocabulary)).toEqual({ name: 'flow', flow: 'note', code: 'K7QM3-XHA2P' })
    expect(parseGlobalCommand('nota', vocabulary)).toBeNull()
    // no engine command words in these locales: "menu" is an ordinary answer there
    expect(parseGlobalCommand('menu', vocabulary)).toBeNull()
  })

  it('reads the commands and yes/no words from the locale files, emoji included', () => {
    const vocabulary = buildVocabulary({
      flows: { start: menu },
      locales: ['xx'],
      text: texts({ xx: { 'engine.commands.help': 'socorro', 'engine.yesWords': 'oui, 👍', 'engine.noWords': 'non' } }),
    })
    expect(parseGlobalCommand('¡Socorro!', vocabulary)).toEqual({ name: 'help' })
    expect(vocabulary.yes.words.has('oui')).toBe(true)
    expect(vocabulary.yes.emoji).toEqual(['👍'])
    expect(vocabulary.menuFlow).toBe('start')
  })

  it('fails start-up when two commands or flows claim the same word, naming both', () => {
    const build = () =>
      buildVocabulary({
        flows: { start: menu, office: flow('office', { triggers: { words: 'office.triggers', code: 'none' } }) },
        locales: ['es', 'en'],
        text: texts({ es: { 'engine.commands.help': 'ayuda' }, en: { 'office.triggers': 'Ayuda' } }),
      })
    expect(build).toThrow(/"ayuda" is a word of both command "help" \(engine.commands.help\) and flow "office" \(office.triggers\)/)
  })

  it('fails start-up when no flow is where an idle contact starts', () => {
    expect(() => buildVocabulary({ flows: { office: flow('office') }, locales: ['es'], text: () => undefined })).toThrow(/no flow has the role "menu"/)
  })

  it('reads the real flows and locale files without a clash', () => {
    const vocabulary = buildVocabulary({ flows, locales: ['es', 'en'], text: sharedLocales().own })
    expect(vocabulary).toMatchObject({ menuFlow: 'menu', languageFlow: 'language', codeFlow: 'status' })
  })
})

describe('validateEffects', () => {
  it('accepts the bot’s flows with the real effect handlers', () => {
    expect(() => validateEffects(flows, Object.keys(createEffectHandlers()))).not.toThrow()
  })

  it('fails start-up on an effect without a handler, naming the flow and the node', () => {
    const broken = validateFlows({
      office: {
        id: 'office',
        title: 'office.title',
        start: 'open',
        nodes: { open: { kind: 'effect', effect: 'office.opne', args: {}, resultVar: 'r', next: 'done' }, done: end },
      },
    })
    expect(() => validateEffects(broken, Object.keys(createEffectHandlers()))).toThrow(/flow "office" node "open": no handler for effect "office.opne"/)
  })
})

describe('validateFlows on roles and triggers', () => {
  it('refuses two flows with one role', () => {
    expect(() => validateFlows({ a: flow('a', { role: 'menu' }), b: flow('b', { role: 'menu' }) })).toThrow(/flows "a", "b" all have the role "menu"/)
  })

  it('refuses trigger options that need a code on a trigger that takes none', () => {
    expect(() => validateFlows({ a: flow('a', { triggers: { words: 'a.triggers', code: 'none', bareCode: true } }) })).toThrow(/its trigger takes no code/)
  })
})
