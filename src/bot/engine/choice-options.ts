import type { ChoiceOption } from './match-choice.js'
import type { Choice, EngineContext, LocalizedText, OptionSource, Session } from './types.js'
import { conditionScope, holds, readVar } from './vars.js'

/** An option as a question offers it, with what to store when it is picked. */
export type SourceOption = ChoiceOption & {
  /** stored in `<var>Label`; the shown label may say more ("San José (Petén)") */
  storedLabel: string
  /** a municipality picked outside the department asked before: its department */
  department?: { code: string; name: string }
  /** in a multiple choice, only ever picked alone ("Ninguno") */
  exclusive?: boolean
}

/**
 * `primary` is what the question shows and matches first; `fallback` is matched only when nothing
 * in `primary` is (municipalities nationwide, when the citizen named one of another department).
 */
export type SourceOptions = { primary: SourceOption[]; fallback: SourceOption[] }

/** Catalog categories under this sector code apply to every sector (corruption, life at risk). */
export const ANY_SECTOR = 'any'

/** Lists the options of a choice question for this session, labels in the session's language. */
export function sourceOptions(source: OptionSource, session: Session, ctx: EngineContext): SourceOptions {
  const { catalog } = ctx
  const locale = session.locale
  switch (source.from) {
    case 'static':
      return only(
        source.options.filter((option) => !option.hideWhen || !holds(option.hideWhen, conditionScope(session.vars, ctx.facts))).map((option) => {
          const label = ctx.t(locale, option.label)
          // a label in another language is an alias: "health" still works after switching to Spanish
          const elsewhere = ctx.locales.filter((other) => other !== locale).map((other) => ctx.t(other, option.label))
          const aliases = [...option.aliases, ...elsewhere]
          return {
            id: option.id,
            label,
            storedLabel: label,
            aliases,
            ...(option.exclusive === true ? { exclusive: true } : {}),
            ...(option.emoji === undefined ? {} : { emoji: option.emoji }),
          }
        }),
      )
    case 'sectors':
      return only(catalog.sectors.map((sector) => localizedOption(sector.code, sector.label, locale, sector.emoji)))
    case 'categories': {
      const sector = readVar(session.vars, source.sectorVar)
      const own = catalog.categories.filter((category) => category.sector === sector)
      const shared = catalog.categories.filter((category) => category.sector === ANY_SECTOR && category.sector !== sector)
      return only([...own, ...shared].map((category) => localizedOption(category.code, category.label, locale, category.emoji)))
    }
    case 'departments':
      return only(catalog.departments.map((d) => ({ id: d.code, label: d.name, storedLabel: d.name })))
    case 'municipalities':
      return municipalityOptions(readVar(session.vars, source.departmentVar), ctx)
    case 'locales':
      // each language in itself: someone who cannot read Spanish still finds their own
      return only(ctx.vocabulary.languages.map((language) => ({ id: language.code, label: language.name, storedLabel: language.name, aliases: language.aliases })))
  }
}

function municipalityOptions(departmentCode: unknown, ctx: EngineContext): SourceOptions {
  const { catalog } = ctx
  const departments = new Map(catalog.departments.map((d) => [d.code, d.name]))
  const aliases = new Map<string, string[]>()
  for (const { alias, code } of catalog.municipalityAliases) aliases.set(code, [...(aliases.get(code) ?? []), alias])
  const option = (m: (typeof catalog.municipalities)[number], withDepartment: boolean): SourceOption => {
    const departmentName = departments.get(m.departmentCode) ?? m.departmentCode
    return {
      id: m.code,
      // names repeat across departments, so one seen outside its department says which it is
      label: withDepartment ? `${m.name} (${departmentName})` : m.name,
      storedLabel: m.name,
      aliases: [m.name, ...(aliases.get(m.code) ?? [])],
      department: { code: m.departmentCode, name: departmentName },
    }
  }
  if (typeof departmentCode !== 'string' || !departments.has(departmentCode)) {
    return only(catalog.municipalities.map((m) => option(m, true)))
  }
  return {
    primary: catalog.municipalities.filter((m) => m.departmentCode === departmentCode).map((m) => option(m, false)),
    fallback: catalog.municipalities.filter((m) => m.departmentCode !== departmentCode).map((m) => option(m, true)),
  }
}

function localizedOption(id: string, text: LocalizedText, locale: string, emoji: string | undefined): SourceOption {
  const label = text[locale] ?? text['es'] ?? Object.values(text)[0] ?? id
  const elsewhere = Object.entries(text).filter(([other]) => other !== locale).map(([, value]) => value)
  return { id, label, storedLabel: label, aliases: elsewhere, ...(emoji === undefined ? {} : { emoji }) }
}

function only(primary: SourceOption[]): SourceOptions {
  return { primary, fallback: [] }
}

/**
 * The buttons a choice question shows; an option's emoji follows its name ("Salud 🏥"), so someone
 * who reads little finds it, and a label typed back (or echoed by a platform) still reads as the name.
 */
export function toChoices(options: readonly SourceOption[]): Choice[] {
  return options.map((option) => ({ id: option.id, label: option.emoji === undefined ? option.label : `${option.label} ${option.emoji}` }))
}
