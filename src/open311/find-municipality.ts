import type { DbOrTx } from '../db/client.js'
import { departments, municipalities, municipalityAliases } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { normalize } from '../bot/engine/normalize.js'

type Place = { code: string; departmentCode: string; name: string }

/** Whether `phrase` (normalized) occurs in `text` (normalized) as whole words. */
function contains(text: string, phrase: string): boolean {
  return phrase !== '' && ` ${text} `.includes(` ${phrase} `)
}

/**
 * The municipality an `address_string` names, by municipality names and their aliases ("xela"), as
 * the chat reads them: accents, case and punctuation do not matter. A name shared by several
 * municipalities is settled by the department the address names; "Guatemala" counts as the
 * municipality only when no other is named, since it is also the department. Null when none is
 * named; ValidationError when the address names several that nothing tells apart.
 */
export async function findMunicipality(db: DbOrTx, address: string): Promise<string | null> {
  const text = normalize(address)
  const places: Place[] = await db.select({ code: municipalities.code, departmentCode: municipalities.departmentCode, name: municipalities.name }).from(municipalities)
  const aliases = await db.select({ alias: municipalityAliases.alias, code: municipalityAliases.municipalityCode }).from(municipalityAliases)
  const namedDepartments = (await db.select({ code: departments.code, name: departments.name }).from(departments)).filter((d) => contains(text, normalize(d.name)))

  const found = new Map<string, { place: Place; length: number; isDepartmentName: boolean }>()
  const consider = (place: Place | undefined, phrase: string) => {
    if (!place || !contains(text, phrase)) return
    const isDepartmentName = namedDepartments.some((d) => normalize(d.name) === phrase)
    const before = found.get(place.code)
    if (!before || before.length < phrase.length) found.set(place.code, { place, length: phrase.length, isDepartmentName })
  }
  for (const place of places) consider(place, normalize(place.name))
  for (const alias of aliases) consider(places.find((p) => p.code === alias.code), normalize(alias.alias))

  let candidates = [...found.values()]
  if (candidates.some((c) => !c.isDepartmentName)) candidates = candidates.filter((c) => !c.isDepartmentName)
  const inNamedDepartment = candidates.filter((c) => namedDepartments.some((d) => d.code === c.place.departmentCode))
  if (inNamedDepartment.length > 0) candidates = inNamedDepartment
  const longest = Math.max(0, ...candidates.map((c) => c.length))
  candidates = candidates.filter((c) => c.length === longest)
  if (candidates.length === 0) return null
  if (candidates.length > 1) {
    const names = candidates.map((c) => `${c.place.name} (${c.place.code})`).join(', ')
    throw new ValidationError(`address_string names several municipalities (${names}): add the department, or give attribute[municipality]`)
  }
  return candidates[0]?.place.code ?? null
}
