import { buildVocabulary, type Catalog, type EngineContext } from '../../src/bot/engine/index.js'
import { withChoiceEmoji } from '../../src/flows/choice-emoji.js'
import { flows } from '../../src/flows/index.js'
import { sharedLocales } from '../../src/i18n/index.js'

/**
 * A small slice of the real reference data: three sectors, a few categories (two shared by every
 * sector), four departments, and municipalities including two called "San José" (Escuintla and
 * Petén) and two that start "San José" in Guatemala, plus the nicknames people type.
 */
export const testCatalog: Catalog = withChoiceEmoji({
  sectors: [
    { code: 'health', label: { es: 'Salud', en: 'Health' } },
    { code: 'education', label: { es: 'Educación', en: 'Education' } },
    { code: 'cash_transfer', label: { es: 'Bono MIFAPRO', en: 'MIFAPRO cash transfer' } },
  ],
  categories: [
    { sector: 'health', code: 'medicine_shortage', label: { es: 'Falta de medicamentos o insumos', en: 'Medicines or supplies out of stock' } },
    { sector: 'health', code: 'care_refused', label: { es: 'No me atendieron / no había médico ni personal', en: 'Care refused or no doctor or staff present' } },
    { sector: 'health', code: 'mistreatment', label: { es: 'Maltrato o discriminación', en: 'Mistreatment or discrimination' } },
    { sector: 'education', code: 'teacher_absent', label: { es: 'Maestro ausente o sin maestro asignado', en: 'Teacher absent or none assigned' } },
    { sector: 'education', code: 'school_meals', label: { es: 'Alimentación escolar no entregada', en: 'School meals missing or poor' } },
    { sector: 'cash_transfer', code: 'payment_missing', label: { es: 'Pago no recibido o atrasado', en: 'Payment not received or late' } },
    { sector: 'any', code: 'corruption', label: { es: 'Corrupción o soborno', en: 'Corruption or bribery' } },
    { sector: 'any', code: 'life_at_risk', label: { es: 'Riesgo para la vida (urgente)', en: 'Life at risk (urgent)' } },
  ],
  departments: [
    { code: '01', name: 'Guatemala' },
    { code: '05', name: 'Escuintla' },
    { code: '09', name: 'Quetzaltenango' },
    { code: '17', name: 'Petén' },
  ],
  municipalities: [
    { code: '0101', name: 'Guatemala', departmentCode: '01' },
    { code: '0103', name: 'San José Pinula', departmentCode: '01' },
    { code: '0104', name: 'San José del Golfo', departmentCode: '01' },
    { code: '0108', name: 'Mixco', departmentCode: '01' },
    { code: '0115', name: 'Villa Nueva', departmentCode: '01' },
    { code: '0117', name: 'San Miguel Petapa', departmentCode: '01' },
    { code: '0501', name: 'Escuintla', departmentCode: '05' },
    { code: '0509', name: 'San José', departmentCode: '05' },
    { code: '0901', name: 'Quetzaltenango', departmentCode: '09' },
    { code: '0902', name: 'Salcajá', departmentCode: '09' },
    { code: '0909', name: 'San Juan Ostuncalco', departmentCode: '09' },
    { code: '1701', name: 'Flores', departmentCode: '17' },
    { code: '1702', name: 'San José', departmentCode: '17' },
    { code: '1712', name: 'Poptún', departmentCode: '17' },
  ],
  municipalityAliases: [
    { alias: 'xela', code: '0901' },
    { alias: 'xelaju', code: '0901' },
    { alias: 'guate', code: '0101' },
    { alias: 'petapa', code: '0117' },
  ],
})

/** The moment every test conversation starts at, unless a test moves the clock. */
export const testNow = new Date('2026-11-25T15:00:00.000Z')

/** One set of locales for all tests: building an i18next instance per test would only slow them. */
const locales = sharedLocales()
const testLocales = ['es', 'en']
const vocabulary = buildVocabulary({ flows, locales: testLocales, text: locales.own })

/**
 * The engine's world for tests: the real flows and texts (Spanish and English), the small catalog,
 * a fixed clock. Other flows or locales get their own words read from the locale files.
 */
export function testContext(overrides: Partial<EngineContext> = {}): EngineContext {
  const own = overrides.flows === undefined && overrides.locales === undefined
  return {
    now: testNow,
    t: locales.t,
    catalog: testCatalog,
    flows,
    locales: testLocales,
    sessionTtlMinutes: 30,
    vocabulary: own ? vocabulary : buildVocabulary({ flows: overrides.flows ?? flows, locales: overrides.locales ?? testLocales, text: locales.own }),
    ...overrides,
  }
}
