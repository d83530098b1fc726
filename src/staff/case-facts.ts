import { and, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases, categories, municipalities, units } from '../db/schema/index.js'
import { guatemalaDate } from '../cases/guatemala-date.js'

/**
 * What staff are told of a case in a chat: code, category, place, unit and deadline. Deliberately
 * nothing of who complained and not the description, which may name people: a chat on a work
 * phone is read over shoulders; the full case is in the admin API.
 */
export type StaffCaseFacts = {
  id: string
  code: string
  status: string
  facility: string
  unitId: string | null
  unit: string
  municipality: string
  dueDate: string
  /** category label per locale, the code when a locale has none */
  category: (locale: string) => string
}

/** The facts of one case by id, or undefined when it does not exist. */
export async function staffCaseFacts(db: DbOrTx, caseId: string): Promise<StaffCaseFacts | undefined> {
  const [row] = await db
    .select({
      id: cases.id,
      code: cases.code,
      status: cases.status,
      sector: cases.sector,
      category: cases.category,
      facility: cases.facility,
      unitId: cases.unitId,
      unit: units.name,
      municipality: municipalities.name,
      dueAt: cases.dueAt,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .where(eq(cases.id, caseId))
  if (!row) return undefined
  const [category] = await db
    .select({ labels: categories.labels })
    .from(categories)
    .where(and(eq(categories.code, row.category), inArray(categories.sector, [row.sector, 'any'])))
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    facility: row.facility,
    unitId: row.unitId,
    unit: row.unit ?? '',
    municipality: row.municipality,
    dueDate: row.dueAt ? guatemalaDate(row.dueAt) : '',
    category: (locale) => category?.labels[locale] ?? category?.labels.es ?? row.category,
  }
}
