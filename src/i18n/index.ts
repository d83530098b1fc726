import i18next, { type i18n as I18n } from 'i18next'
import type { OwnText } from '../bot/engine/vocabulary.js'
import type { Json, Translate } from '../bot/engine/types.js'
import { completeness, mergeTrees, textAt, type Completeness } from './completeness.js'
import { BUILT_IN_LOCALES_DIR, readLocaleFolder, type LocaleTree } from './locale-files.js'

export { BUILT_IN_LOCALES_DIR, readLocaleFolder, localeCodesIn, LocaleCodeSchema, type LocaleTree } from './locale-files.js'
export { completeness, leafKeys, textAt, type Completeness } from './completeness.js'

/** Spanish: the default, the reference every other locale is measured against, and the fallback of a missing text. */
export const defaultLocale = 'es'

/**
 * The languages Diálogo can write in: every `<code>.json` of the built-in folder and of the folders
 * added after (an operator's `LOCALES_DIR`), on one i18next instance. A key a locale lacks is read
 * in Spanish.
 */
export type Locales = {
  /** the text in a locale, falling back to Spanish; variables filled in */
  t: Translate
  /** a locale's own text, no fallback: for words (commands, yes and no) and a language's own name */
  own: OwnText
  /** every locale code found, Spanish first */
  codes: () => string[]
  tree: (code: string) => LocaleTree | undefined
  /** how much of Spanish a locale translates */
  completeness: (code: string) => Completeness
  /**
   * The locales a citizen is offered: those at least `minPercent` complete, and always the
   * default. The default comes first, then Spanish (complete by definition: every other locale
   * falls back to it), then the others by their own name.
   */
  offered: (options: { minPercent: number; defaultLocale: string }) => string[]
  /** reads a folder of locale files into these locales (a file for a known code extends it) */
  addFolder: (dir: string) => void
}

/** Loads the locale files of these folders, in order (a later folder's file extends an earlier one's). */
export function loadLocales(dirs: readonly string[] = [BUILT_IN_LOCALES_DIR]): Locales {
  const trees = new Map<string, LocaleTree>()
  const i18n = i18next.createInstance()
  // with initAsync false and no backend, init completes before it returns
  void i18n.init({
    resources: {},
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  })
  i18n.services.formatter?.add('isoDate', (value: unknown, lng: string | undefined) => formatIsoDate(value, lng ?? defaultLocale))

  // texts without variables, by locale and key (translateWith); a folder added changes them
  const plain = new Map<string, string>()
  const addFolder = (dir: string) => {
    plain.clear()
    for (const [code, tree] of readLocaleFolder(dir)) {
      trees.set(code, mergeTrees(trees.get(code), tree))
      i18n.addResourceBundle(code, 'translation', tree, true, true)
    }
  }
  for (const dir of dirs) addFolder(dir)
  const reference = () => trees.get(defaultLocale) ?? {}
  const completenessOf = (code: string) => completeness(trees.get(code), reference())
  const codes = () => [...trees.keys()].sort((a, b) => Number(b === defaultLocale) - Number(a === defaultLocale) || a.localeCompare(b))
  return {
    t: translateWith(i18n, plain),
    own: (locale, key) => textAt(trees.get(locale), key),
    codes,
    tree: (code) => trees.get(code),
    completeness: completenessOf,
    offered: ({ minPercent, defaultLocale: first }) => {
      const nameOf = (code: string) => textAt(trees.get(code), 'language.name') ?? code
      const others = codes()
        .filter((code) => code !== first && completenessOf(code).percent >= minPercent)
        .sort((a, b) => Number(b === defaultLocale) - Number(a === defaultLocale) || nameOf(a).localeCompare(nameOf(b), defaultLocale, { sensitivity: 'base' }))
      return [first, ...others]
    },
    addFolder,
  }
}

/**
 * Variables go in as `replace`, not as options: a session variable called `count`, `lng` or
 * `context` must not change which text is picked. `{{when, isoDate}}` writes a YYYY-MM-DD date the
 * citizen's way ("8 de diciembre de 2026").
 */
/** More texts than every locale's keys, with room; past it the cache starts over. */
const MAX_PLAIN_TEXTS = 20_000

function translateWith(i18n: I18n, plain: Map<string, string>): Translate {
  // i18next hands `replace` to nested $t(...) as their options: lng must ride along or a nested
  // text ("$t(caseStatus.resolved)") comes out in the fallback language
  const translate = (locale: string, key: string, vars?: Record<string, Json>) => i18n.t(key, { lng: locale, replace: { ...vars, lng: locale } })
  return (locale, key, vars) => {
    if (vars !== undefined && Object.keys(vars).length > 0) return translate(locale, key, vars)
    // a text without variables is the same every time (until a folder is added): asked once
    const cacheKey = `${locale}\u0000${key}`
    let text = plain.get(cacheKey)
    if (text === undefined) {
      text = translate(locale, key)
      // keys come from code and flows; should one ever carry what a citizen typed, the cache stays small
      if (plain.size >= MAX_PLAIN_TEXTS) plain.clear()
      plain.set(cacheKey, text)
    }
    return text
  }
}

let shared: Locales | undefined

/**
 * The locales the whole app shares (built-in files, plus the operator's folder once compose adds
 * it with `sharedLocales().addFolder`); modules that hold its translate function see added
 * languages too.
 */
export function sharedLocales(): Locales {
  shared ??= loadLocales()
  return shared
}

/** The shared translate function (see sharedLocales). */
export function createTranslate(): Translate {
  return sharedLocales().t
}

/** The built-in locale files by code, for pages that embed their own texts (the observatory). */
export const resources: Readonly<Record<string, LocaleTree>> = Object.fromEntries(readLocaleFolder(BUILT_IN_LOCALES_DIR))

function formatIsoDate(value: unknown, locale: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return String(value ?? '')
  // dates are calendar days: read and written in UTC so no time zone moves them by one
  const day = new Date(`${value.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(day.getTime())) return value
  return dateFormatFor(locale).format(day)
}

/** One formatter per locale, made on first use: making one costs far more than formatting with it. */
const dateFormats = new Map<string, Intl.DateTimeFormat>()

function dateFormatFor(locale: string): Intl.DateTimeFormat {
  let format = dateFormats.get(locale)
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
    } catch {
      // a language code Intl does not take as a tag: the date the Spanish way
      format = new Intl.DateTimeFormat(defaultLocale, { dateStyle: 'long', timeZone: 'UTC' })
    }
    // locales are the few loaded from files, so the map stays small
    dateFormats.set(locale, format)
  }
  return format
}
