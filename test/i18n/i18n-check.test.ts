import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { wordKeys } from '../../src/bot/engine/index.js'
import { flows } from '../../src/flows/index.js'
import { checkLocales, keysInCode, keysInFlows } from '../../src/i18n/check-locales.js'
import { BUILT_IN_LOCALES_DIR, loadLocales } from '../../src/i18n/index.js'

const run = promisify(execFile)
const FIXTURE = 'test/fixtures/i18n-check'

/** Runs the script as `npm run i18n:check` does, bounded in time; resolves with its exit code and output. */
async function i18nCheck(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(join('node_modules', '.bin', 'tsx'), ['scripts/i18n-check.ts', ...args], { timeout: 60_000, env: { ...process.env, LOCALES_DIR: '', AUDIO_PROMPTS_DIR: '' } })
    return { code: 0, out: stdout }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` }
  }
}

/** Every key the real code and flows use. */
function usedKeys() {
  const used = keysInCode('src', process.cwd())
  for (const [key, where] of keysInFlows(flows)) used.set(key, [...(used.get(key) ?? []), ...where])
  return used
}

describe('npm run i18n:check', () => {
  it('fails on a key the code uses that Spanish lacks, naming it and where it is used', async () => {
    const { code, out } = await i18nCheck(['--locales', `${FIXTURE}/locales`, '--src', `${FIXTURE}/src`, '--no-flows'])
    expect(code).toBe(1)
    expect(out).toContain('missing in es: greeting.welcome  (test/fixtures/i18n-check/src/greeting.ts:5)')
    expect(out).not.toContain('missing in es: greeting.hello')
    // English lacking a key is a fallback, shown as completeness, not a failure
    expect(out).toMatch(/^en\s+English\s+2\/3\s+66\.6%/mu)
  }, 90_000)

  it('passes on the real locale files, and shows an operator’s partial language as not offered', async () => {
    const { code, out } = await i18nCheck(['--operator', 'test/fixtures/locales'])
    expect(code).toBe(0)
    expect(out).toMatch(/^es\s+Español\s+(\d+)\/\1\s+100\.0%\s+(\d+)\/\2\s+yes$/mu)
    expect(out).toMatch(/^qxx\s+Qxx de prueba\s+7\/\d+\s+\d\.\d%\s+3\/\d+\s+no$/mu)
    expect(out).toContain('missing in Spanish: 0')
  }, 90_000)
})

describe('checkLocales', () => {
  it('finds every key the code and flows use in Spanish', () => {
    const report = checkLocales({ locales: loadLocales(), used: usedKeys(), wordKeys: wordKeys(flows), minPercent: 100 })
    expect(report.missingInSpanish).toEqual([])
    expect(report.rows.map((row) => [row.locale, row.percent, row.words === row.wordTotal])).toEqual([
      ['es', 100, true],
      ['en', 100, true],
    ])
  })

  it('names the keys of a locale that Spanish does not have (a typo is never read)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'))
    writeFileSync(join(dir, 'qxy.json'), JSON.stringify({ language: { name: 'Typo' }, menu: { promt: 'x' } }))
    const report = checkLocales({ locales: loadLocales([BUILT_IN_LOCALES_DIR, dir]), used: usedKeys(), wordKeys: [], minPercent: 100 })
    expect(report.rows.find((row) => row.locale === 'qxy')).toMatchObject({ present: 1, unknown: ['menu.promt'], offered: false })
    expect(report.rows.find((row) => row.locale === 'es')?.unknown).toEqual([])
  })

  it('names a key Spanish lost, with the file and line that use it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'))
    const es = JSON.parse(readFileSync(join(BUILT_IN_LOCALES_DIR, 'es.json'), 'utf8')) as { engine: Record<string, unknown> }
    delete es.engine['cancelled']
    writeFileSync(join(dir, 'es.json'), JSON.stringify(es))
    const report = checkLocales({ locales: loadLocales([dir]), used: usedKeys(), wordKeys: [], minPercent: 100 })
    expect(report.missingInSpanish).toEqual([{ key: 'engine.cancelled', where: [expect.stringMatching(/^src\/bot\/engine\/global-commands\.ts:\d+$/)] }])
  })
})
