/**
 * What a caller may see of the directory: admins everything (no `unitIds`), an institution token
 * only its own units and the institutions they belong to.
 */
export type DirectoryScope = { unitIds?: readonly string[] }

/** Whether a unit is inside the scope. */
export function inScope(scope: DirectoryScope, unitId: string): boolean {
  return scope.unitIds === undefined || scope.unitIds.includes(unitId)
}
