import i18next from 'i18next'
import type { Json, Translate } from '../bot/engine/types.js'
import en from './locales/en.json' with { type: 'json' }
import es from './locales/es.json' with { type: 'json' }

/** Languages a citizen can choose; Spanish first, the default and the fallback for a missing text. */
export const supportedLocales = ['es', 'en'] as const
export type SupportedLocale = (typeof supportedLocales)[number]
export const defaultLocale: SupportedLocale = 'es'

/** The locale files, for tests that check every key exists in every language. */
export const resources = { es, en } as const satisfies Record<SupportedLocale, unknown>

/**
 * The translate function, on an i18next instance of its own (not the global one; ready at
 * once). Variables go in as `replace`, not as options: a session variable called `count`, `lng`
 * or `context` must not change which text is picked. `{{when, isoDate}}` writes a YYYY-MM-DD date
 * the citizen's way ("8 de diciembre de 2026").
 */
export function createTranslate(): Translate {
  // Lookups never change the instance, so every caller can share one.
  shared ??= buildTranslate()
  return shared
}

let shared: Translate | undefined

function buildTranslate(): Translate {
  const i18n = i18next.createInstance()
  // with initAsync false and inline resources, init completes before it returns
  void i18n.init({
    resources: { es: { translation: es }, en: { translation: en } },
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...supportedLocales],
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  })
  i18n.services.formatter?.add('isoDate', (value: unknown, lng: string | undefined) => formatIsoDate(value, lng ?? defaultLocale))
  // i18next hands `replace` to nested $t(...) as their options: lng must ride along or a nested
  // text ("$t(caseStatus.resolved)") comes out in the fallback language
  return (locale: string, key: string, vars?: Record<string, Json>) => i18n.t(key, { lng: locale, replace: { ...vars, lng: locale } })
}

function formatIsoDate(value: unknown, locale: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return String(value ?? '')
  // dates are calendar days: read and written in UTC so no time zone moves them by one
  const day = new Date(`${value.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(day.getTime())) return value
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(day)
}
