import type { DbOrTx } from '../db/client.js'
import { categories, departments, institutions, municipalities, units } from '../db/schema/index.js'
import { NO_UNIT } from './sync-case-stats.js'

/** Codes and names of the small reference tables, for turning ids into what a reader understands. */
export type ReferenceNames = {
  departments: Map<string, string>
  municipalities: Map<string, { name: string; departmentCode: string }>
  institutions: Map<string, { code: string; name: string }>
  units: Map<string, { code: string; name: string; institutionId: string }>
  categories: Map<string, Record<string, string>>
}

/** The dimensions (grouped by or filtered on) whose names an answer needs. */
export type NamesNeeded = ReadonlySet<string>

/** Loads the reference names an answer needs (a few hundred rows at most; none for sector or status). */
export async function loadReferenceNames(db: DbOrTx, needed: NamesNeeded): Promise<ReferenceNames> {
  const none = Promise.resolve([])
  const [deps, munis, insts, unitRows, cats] = await Promise.all([
    needed.has('department') ? db.select().from(departments) : none,
    needed.has('municipality') ? db.select().from(municipalities) : none,
    needed.has('institution') ? db.select().from(institutions) : none,
    needed.has('unit') ? db.select().from(units) : none,
    needed.has('category') ? db.select().from(categories) : none,
  ])
  return {
    departments: new Map(deps.map((d) => [d.code, d.name])),
    municipalities: new Map(munis.map((m) => [m.code, { name: m.name, departmentCode: m.departmentCode }])),
    institutions: new Map(insts.map((i) => [i.id, { code: i.code, name: i.name }])),
    units: new Map(unitRows.map((u) => [u.id, { code: u.code, name: u.name, institutionId: u.institutionId }])),
    categories: new Map(cats.map((c) => [c.code, c.labels])),
  }
}

/** The id of a unit or institution code, or NO_UNIT when unknown (so the filter matches nothing). */
export function idOfCode(map: Map<string, { code: string }>, code: string): string {
  for (const [id, entry] of map) if (entry.code === code) return id
  return NO_UNIT
}
