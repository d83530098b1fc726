import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILT_IN_LOCALES_DIR, loadLocales, readLocaleFolder } from '../../src/i18n/index.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/locales')

describe('locale files', () => {
  const locales = loadLocales([BUILT_IN_LOCALES_DIR, FIXTURES])

  it('are found in the folders given, any language code, Spanish first', () => {
    expect(locales.codes()).toEqual(['es', 'en', 'qxx'])
  })

  it('give a made-up partial locale its own texts and Spanish for every key it lacks', () => {
    expect(locales.t('qxx', 'menu.prompt')).toBe('[qxx] ¿Qué desea hacer?')
    expect(locales.t('qxx', 'engine.help')).toBe(locales.t('es', 'engine.help'))
    expect(locales.t('qxx', 'status.notFound', { code: 'ZZ99' })).toBe(locales.t('es', 'status.notFound', { code: 'ZZ99' }))
  })

  it('tell a locale’s own text from a fallen-back one (for words and names)', () => {
    expect(locales.own('qxx', 'language.name')).toBe('Qxx de prueba')
    expect(locales.own('qxx', 'engine.help')).toBeUndefined()
    expect(locales.own('es', 'engine.help')).toBe(locales.t('es', 'engine.help'))
  })

  it('measure each locale against Spanish', () => {
    expect(locales.completeness('es').percent).toBe(100)
    expect(locales.completeness('en').percent).toBe(100)
    const partial = locales.completeness('qxx')
    expect(partial.present).toBe(7)
    expect(partial.percent).toBeLessThan(5)
    expect(partial.missing).toContain('engine.help')
  })

  it('offer only the locales at least as complete as asked, the default first', () => {
    expect(locales.offered({ minPercent: 100, defaultLocale: 'es' })).toEqual(['es', 'en'])
    expect(locales.offered({ minPercent: 1, defaultLocale: 'es' })).toEqual(['es', 'en', 'qxx'])
    expect(locales.offered({ minPercent: 100, defaultLocale: 'en' })).toEqual(['en', 'es'])
    // the default is offered even below the threshold: it is what a contact gets otherwise
    expect(locales.offered({ minPercent: 100, defaultLocale: 'qxx' })).toEqual(['qxx', 'es', 'en'])
  })

  it('let an operator’s file for a known code extend it instead of replacing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'))
    writeFileSync(join(dir, 'en.json'), JSON.stringify({ engine: { yes: 'Yep' } }))
    const extended = loadLocales([BUILT_IN_LOCALES_DIR, dir])
    expect(extended.t('en', 'engine.yes')).toBe('Yep')
    expect(extended.t('en', 'engine.no')).toBe('No 👎')
    expect(extended.completeness('en').percent).toBe(100)
  })

  it('give the folder\'s text once a folder is added, even for a text read before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'))
    writeFileSync(join(dir, 'en.json'), JSON.stringify({ engine: { yes: 'Yes indeed' } }))
    const later = loadLocales([BUILT_IN_LOCALES_DIR])
    const before = later.t('en', 'engine.yes')
    expect(later.t('en', 'engine.yes')).toBe(before)
    later.addFolder(dir)
    expect(later.t('en', 'engine.yes')).toBe('Yes indeed')
    // a text with variables is filled in each time
    expect([later.t('es', 'engine.list.multiHint', { max: 2 }), later.t('es', 'engine.list.multiHint', { max: 3 })]).toEqual([expect.stringContaining('hasta 2'), expect.stringContaining('hasta 3')])
  })

  it('refuse a file whose name is no language code, or whose content is not texts, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'))
    writeFileSync(join(dir, 'Kiche.json'), '{}')
    writeFileSync(join(dir, 'kek.json'), JSON.stringify({ menu: { prompt: 3 } }))
    expect(() => readLocaleFolder(dir)).toThrow(/Kiche\.json: "Kiche" is not a language code/)
    expect(() => readLocaleFolder(dir)).toThrow(/kek\.json/)
  })
})
