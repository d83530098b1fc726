/**
 * `npm run i18n:check`: how complete each locale is (texts and command words, against Spanish),
 * which languages the menu offers at the configured threshold, and which recordings exist. Fails
 * (exit 1) when the code or the flows use a key Spanish does not have: every other language falls
 * back to Spanish, so such a key would reach a citizen as the key itself.
 *
 *   --locales DIR   the locale files to check instead of src/i18n/locales
 *   --operator DIR  an operator's folder added to them (default: LOCALES_DIR)
 *   --src DIR       the code to scan for keys (default: src)
 *   --no-flows      leave the bot's flows out (for checking a folder of other code)
 *   --min PERCENT   the menu's threshold (default: LOCALE_MIN_COMPLETENESS, else 100)
 *   --audio DIR     list the recordings there (default: AUDIO_PROMPTS_DIR)
 */
import { parseArgs } from 'node:util'
import { wordKeys } from '../src/bot/engine/index.js'
import { listRecordings } from '../src/bot/audio-prompts.js'
import { flows } from '../src/flows/index.js'
import { BUILT_IN_LOCALES_DIR, loadLocales } from '../src/i18n/index.js'
import { checkLocales, formatReport, keysInCode, keysInFlows } from '../src/i18n/check-locales.js'

const { values } = parseArgs({
  options: {
    locales: { type: 'string' },
    operator: { type: 'string' },
    src: { type: 'string' },
    'no-flows': { type: 'boolean', default: false },
    min: { type: 'string' },
    audio: { type: 'string' },
  },
})

const operator = values.operator ?? process.env['LOCALES_DIR']
const dirs = [values.locales ?? BUILT_IN_LOCALES_DIR, ...(operator ? [operator] : [])]
const minPercent = Number(values.min ?? process.env['LOCALE_MIN_COMPLETENESS'] ?? 100)
if (!Number.isFinite(minPercent) || minPercent < 0 || minPercent > 100) {
  console.error(`--min must be a percentage from 0 to 100, not ${values.min ?? process.env['LOCALE_MIN_COMPLETENESS']}`)
  process.exit(2)
}

const locales = loadLocales(dirs)
const used = keysInCode(values.src ?? 'src', process.cwd())
if (!values['no-flows']) for (const [key, where] of keysInFlows(flows)) used.set(key, [...(used.get(key) ?? []), ...where])
const report = checkLocales({ locales, used, wordKeys: values['no-flows'] ? [] : wordKeys(flows), minPercent })
console.log(formatReport(report, minPercent))

const audio = values.audio ?? process.env['AUDIO_PROMPTS_DIR']
if (audio) {
  const recordings = await listRecordings(audio)
  console.log('', `recordings in ${audio}:`)
  for (const locale of locales.codes()) console.log(`  ${locale}: ${(recordings[locale] ?? []).length} (${(recordings[locale] ?? []).join(', ') || 'none'})`)
}

if (report.missingInSpanish.length > 0) process.exit(1)
