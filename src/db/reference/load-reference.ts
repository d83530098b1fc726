import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../client.js'
import { SECTORS, categories, departments, municipalities, municipalityAliases } from '../schema/index.js'
import { readReferenceCsv } from './csv.js'

const DepartmentRowSchema = z.object({ department_code: z.string().regex(/^\d{2}$/), department: z.string().min(1) })
const MunicipalityRowSchema = z.object({
  municipality_code: z.string().regex(/^\d{4}$/),
  municipality: z.string().min(1),
  department_code: z.string().regex(/^\d{2}$/),
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
})
const AliasRowSchema = z.object({ alias: z.string().min(1), municipality_code: z.string().regex(/^\d{4}$/) })
const CategoryRowSchema = z.object({
  // `any`: offered in every sector
  sector: z.enum([...SECTORS, 'any']),
  code: z.string().regex(/^[a-z_]+$/),
  es: z.string().min(1),
  en: z.string().min(1),
})

/** What was loaded, for start-up logs and tests. */
export type ReferenceCounts = { departments: number; municipalities: number; aliases: number; categories: number }

async function readRows<T>(fileName: string, schema: z.ZodType<T>): Promise<T[]> {
  const rows = await readReferenceCsv(fileName)
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row)
    if (!parsed.success) throw new Error(`${fileName} row ${index + 2}: ${z.prettifyError(parsed.error)}`)
    return parsed.data
  })
}

/**
 * Upserts departments, municipalities, aliases and complaint categories from the CSV files in
 * this folder. Safe to run on every start: rows are matched by their codes and updated in place;
 * nothing is deleted, because cases keep pointing at municipality and category codes.
 */
export async function loadReferenceData(db: DbOrTx): Promise<ReferenceCounts> {
  const departmentRows = await readRows('gt-departments.csv', DepartmentRowSchema)
  const municipalityRows = await readRows('gt-municipalities.csv', MunicipalityRowSchema)
  const aliasRows = await readRows('gt-municipality-aliases.csv', AliasRowSchema)
  const categoryRows = await readRows('complaint-categories.csv', CategoryRowSchema)

  await db
    .insert(departments)
    .values(departmentRows.map((r) => ({ code: r.department_code, name: r.department })))
    .onConflictDoUpdate({ target: departments.code, set: { name: sql`excluded.name` } })
  await db
    .insert(municipalities)
    .values(
      municipalityRows.map((r) => ({
        code: r.municipality_code,
        name: r.municipality,
        departmentCode: r.department_code,
        latitude: r.lat,
        longitude: r.lon,
      })),
    )
    .onConflictDoUpdate({
      target: municipalities.code,
      set: {
        name: sql`excluded.name`,
        departmentCode: sql`excluded.department_code`,
        latitude: sql`excluded.latitude`,
        longitude: sql`excluded.longitude`,
      },
    })
  await db
    .insert(municipalityAliases)
    .values(aliasRows.map((r) => ({ alias: r.alias, municipalityCode: r.municipality_code })))
    .onConflictDoUpdate({ target: municipalityAliases.alias, set: { municipalityCode: sql`excluded.municipality_code` } })
  await db
    .insert(categories)
    .values(categoryRows.map((r, position) => ({ sector: r.sector, code: r.code, labels: { es: r.es, en: r.en }, position })))
    .onConflictDoUpdate({
      target: [categories.sector, categories.code],
      set: { labels: sql`excluded.labels`, position: sql`excluded.position` },
    })

  return {
    departments: departmentRows.length,
    municipalities: municipalityRows.length,
    aliases: aliasRows.length,
    categories: categoryRows.length,
  }
}
