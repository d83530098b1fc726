import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'

const LOCALES_DIR = join(import.meta.dirname, '../fixtures/locales')

describe('DEFAULT_LOCALE', () => {
  it('takes a built-in locale, Spanish by default', () => {
    expect(loadConfig({}).DEFAULT_LOCALE).toBe('es')
    expect(loadConfig({ DEFAULT_LOCALE: 'en' }).DEFAULT_LOCALE).toBe('en')
  })

  it('takes any code with a file in the operator’s folder', () => {
    expect(loadConfig({ DEFAULT_LOCALE: 'qxx', LOCALES_DIR })).toMatchObject({ DEFAULT_LOCALE: 'qxx', LOCALES_DIR })
  })

  it('refuses a code without a locale file, naming the variable and the files there are', () => {
    expect(() => loadConfig({ DEFAULT_LOCALE: 'qxx' })).toThrow(ConfigError)
    expect(() => loadConfig({ DEFAULT_LOCALE: 'qxx' })).toThrow(/DEFAULT_LOCALE="qxx": no locale file of that code \(there are en, es\)/)
    expect(() => loadConfig({ DEFAULT_LOCALE: 'Español' })).toThrow(/DEFAULT_LOCALE="Español": a language code/)
  })

  it('refuses a LOCALES_DIR that cannot be read', () => {
    expect(() => loadConfig({ LOCALES_DIR: '/no/such/folder' })).toThrow(/LOCALES_DIR="\/no\/such\/folder": cannot read the locale folder/)
  })

  it('reads LOCALE_MIN_COMPLETENESS as a percentage, 100 by default', () => {
    expect(loadConfig({}).LOCALE_MIN_COMPLETENESS).toBe(100)
    expect(loadConfig({ LOCALE_MIN_COMPLETENESS: '80' }).LOCALE_MIN_COMPLETENESS).toBe(80)
    expect(() => loadConfig({ LOCALE_MIN_COMPLETENESS: '120' })).toThrow(/LOCALE_MIN_COMPLETENESS/)
  })
})
