import { asc } from 'drizzle-orm'
import type { Catalog, LocalizedText } from '../bot/engine/types.js'
import type { DbOrTx } from './client.js'
import { type Sector, categories, departments, municipalities, municipalityAliases } from './schema/index.js'

/** Sector names as citizens see them; sectors are fixed in code (the schema's enum), so are these. */
export const SECTOR_LABELS = {
  health: { es: 'Salud', en: 'Health' },
  education: { es: 'Educación', en: 'Education' },
  cash_transfer: { es: 'MIFAPRO (transferencias)', en: 'MIFAPRO (cash transfer)' },
} satisfies Record<Sector, LocalizedText>

/**
 * Reads the reference data the conversation engine matches answers against. Categories of sector
 * `any` are copied into every sector, after the sector's own, so the engine can simply filter by
 * the chosen sector.
 */
export async function loadCatalog(db: DbOrTx): Promise<Catalog> {
  const categoryRows = await db.select().from(categories).orderBy(asc(categories.position), asc(categories.code))
  const departmentRows = await db.select().from(departments).orderBy(asc(departments.code))
  const municipalityRows = await db.select().from(municipalities).orderBy(asc(municipalities.code))
  const aliasRows = await db.select().from(municipalityAliases).orderBy(asc(municipalityAliases.alias))

  const sectors = Object.entries(SECTOR_LABELS).map(([code, label]) => ({ code, label }))
  const shared = categoryRows.filter((c) => c.sector === 'any')
  return {
    sectors,
    categories: sectors.flatMap(({ code: sector }) => [
      ...categoryRows.filter((c) => c.sector === sector).map((c) => ({ sector, code: c.code, label: c.labels })),
      ...shared.map((c) => ({ sector, code: c.code, label: c.labels })),
    ]),
    departments: departmentRows.map((d) => ({ code: d.code, name: d.name })),
    municipalities: municipalityRows.map((m) => ({ code: m.code, name: m.name, departmentCode: m.departmentCode })),
    municipalityAliases: aliasRows.map((a) => ({ alias: a.alias, code: a.municipalityCode })),
  }
}
