import { describe, expect, it } from 'vitest'
import { MediaKindSchema, wordKeys, type FlowNode } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { createTranslate, resources } from '../../src/i18n/index.js'

/** Spanish and English ship complete; any other language is the operator's file. */
const supportedLocales = ['es', 'en'] as const

/** Every leaf key of a locale file, as dotted paths. */
function keysOf(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix]
  return Object.entries(tree).flatMap(([key, value]) => keysOf(value, prefix === '' ? key : `${prefix}.${key}`))
}

function keysOfNode(node: FlowNode): string[] {
  switch (node.kind) {
    case 'say':
      return [node.text]
    case 'ask':
      return [node.prompt, ...(node.input.type === 'choice' && node.input.source.from === 'static' ? node.input.source.options.map((o) => o.label) : [])]
    case 'end':
      return node.text === undefined ? [] : [node.text]
    case 'branch':
    case 'effect':
    case 'setLocale':
    case 'enter':
      return []
  }
}

const flowKeys = Object.values(flows).flatMap((flow) => [flow.title, ...Object.values(flow.nodes).flatMap(keysOfNode)])
/** the command, trigger, yes/no/skip words and each language's own name */
const wordAndNameKeys = [...wordKeys(flows), 'language.name', 'language.aliases']

/** Keys the engine builds itself (kind sentences, commands, expiry, choice problems). */
const engineKeys = [
  'engine.yes', 'engine.no', 'engine.help', 'engine.cancelled', 'engine.languageChanged', 'engine.restarted', 'engine.retryHint',
  'engine.expired.plain', 'engine.expired.in', 'engine.expired.at',
  'engine.choice.didYouMean', 'engine.choice.notFound', 'engine.choice.staleButton',
  ...['tooShort', 'tooLong', 'number', 'numberBetween', 'numberAtLeast', 'numberAtMost', 'yesno', 'location', 'locationOrSkip', 'media', 'mediaOrSkip'].map((k) => `engine.invalid.${k}`),
  ...[...MediaKindSchema.options, 'location', 'button'].map((k) => `engine.unexpected.${k}`),
  ...['sticker', 'contact', 'poll', 'reaction', 'other'].map((k) => `engine.unsupported.${k}`),
  ...['received', 'routed', 'acknowledged', 'in_progress', 'resolved', 'rejected', 'reopened', 'escalated'].map((k) => `caseStatus.${k}`),
]

describe('locale files', () => {
  it('hold the same keys in Spanish and English', () => {
    expect(keysOf(resources['en']).sort()).toEqual(keysOf(resources['es']).sort())
  })

  it.each(supportedLocales)('hold every key the flows use (%s)', (locale) => {
    const present = new Set(keysOf(resources[locale]))
    expect(flowKeys.filter((key) => !present.has(key))).toEqual([])
  })

  it.each(supportedLocales)('hold every word and their own name (%s)', (locale) => {
    const present = new Set(keysOf(resources[locale]))
    expect(wordAndNameKeys.filter((key) => !present.has(key))).toEqual([])
  })

  it.each(supportedLocales)('hold every key the engine uses (%s)', (locale) => {
    const present = new Set(keysOf(resources[locale]))
    expect(engineKeys.filter((key) => !present.has(key))).toEqual([])
  })
})

describe('createTranslate', () => {
  const t = createTranslate()

  it('translates into the asked language and falls back to Spanish', () => {
    expect(t('en', 'engine.yes')).toBe('Yes 👍')
    expect(t('es', 'engine.yes')).toBe('Sí 👍')
    expect(t('fr', 'engine.yes')).toBe('Sí 👍')
  })

  it('fills variables in, dotted paths included', () => {
    expect(t('es', 'status.notFound', { code: 'ZZ99' })).toContain('ZZ99')
    expect(t('en', 'complaint.anonymousCode', { case: { code: 'GT-1' } })).toContain('GT-1')
  })

  it('writes a due date the citizen’s way', () => {
    const vars = { case: { code: 'GT-1', institution: 'MINEDUC', dueDate: '2026-01-05' } }
    expect(t('es', 'complaint.registered', vars)).toContain('5 de enero de 2026')
    expect(t('en', 'complaint.registered', vars)).toContain('January 5, 2026')
  })

  it('names a nested status in the asked language', () => {
    expect(t('en', 'status.report.resolved', { lookup: { code: 'X' } })).toContain('resolved')
    expect(t('es', 'status.report.resolved', { lookup: { code: 'X' } })).toContain('resuelto')
  })

  it('leaves braces and $t in a citizen’s words as they were typed', () => {
    const description = 'dijeron {{facility}} y $t(engine.help)'
    const summary = t('es', 'complaint.summary', { description, facility: 'Hospital' })
    expect(summary).toContain(`Su relato: ${description}`)
  })

  it('is not steered by variables named like i18next options', () => {
    expect(t('es', 'status.notFound', { code: 'A1', count: 3, context: 'male', lng: 'en' })).toBe(t('es', 'status.notFound', { code: 'A1' }))
  })
})
