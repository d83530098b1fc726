import type { Catalog } from '../bot/engine/index.js'

/**
 * A picture for each service and each kind of problem, shown before its name and answerable
 * alone: someone who reads little finds 🏥 without reading "Salud". Codes without one here are
 * shown by name only (a category an operator added).
 */
export const SECTOR_EMOJI: Readonly<Record<string, string>> = {
  health: '🏥',
  education: '📚',
  cash_transfer: '💵',
}

export const CATEGORY_EMOJI: Readonly<Record<string, string>> = {
  medicine_shortage: '💊',
  care_refused: '🚫',
  waiting_time: '⏳',
  mistreatment: '😠',
  illegal_charge: '💰',
  negligence: '⚠️',
  infrastructure: '🏚️',
  closed: '🔒',
  vaccines_prenatal: '💉',
  teacher_absent: '👩‍🏫',
  school_meals: '🍲',
  supplies: '✏️',
  illegal_fees: '🧾',
  scholarship: '🎓',
  violence: '🛑',
  enrolment_refused: '📝',
  no_bilingual: '🗣️',
  payment_missing: '📅',
  removed: '🚪',
  bank_problem: '🏦',
  compliance_not_recorded: '📋',
  enrolment: '✍️',
  political_pressure: '🗳️',
  staff_mistreatment: '🙍',
  corruption: '🤝',
  life_at_risk: '🚨',
}

/** The catalog with each sector's and category's emoji beside its name. */
export function withChoiceEmoji(catalog: Catalog): Catalog {
  const emojiOf = (table: Readonly<Record<string, string>>, code: string) => (Object.hasOwn(table, code) ? { emoji: table[code] } : {})
  return {
    ...catalog,
    sectors: catalog.sectors.map((sector) => ({ ...sector, ...emojiOf(SECTOR_EMOJI, sector.code) })),
    categories: catalog.categories.map((category) => ({ ...category, ...emojiOf(CATEGORY_EMOJI, category.code) })),
  }
}
