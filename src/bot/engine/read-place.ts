import { accepted, type Answer } from './answer.js'
import type { EngineContext } from './types.js'

/**
 * Reads a shared location as the answer to a department question: the channel placed it in a
 * municipality (`municipalityCode`), so department and municipality are both known at once.
 * Undefined when the point lies in no municipality of the catalog (abroad, on a lake, or a
 * channel that could not place it): the caller asks again.
 */
export function readPlace(
  departmentVar: string,
  locate: { municipalityVar: string; locatedVar: string },
  municipalityCode: string | undefined,
  ctx: EngineContext,
): Answer | undefined {
  const municipality = ctx.catalog.municipalities.find((m) => m.code === municipalityCode)
  const department = ctx.catalog.departments.find((d) => d.code === municipality?.departmentCode)
  if (!municipality || !department) return undefined
  return accepted(department.code, {
    [`${departmentVar}Label`]: department.name,
    [locate.municipalityVar]: municipality.code,
    [`${locate.municipalityVar}Label`]: municipality.name,
    [locate.locatedVar]: true,
  })
}
