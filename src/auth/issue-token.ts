import { inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { pollGroups, type Role, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { type TokenOwner, createToken } from './tokens.js'

export type IssueTokenInput = { name: string; role: Role; unitIds?: readonly string[]; groupIds?: readonly string[] }

/**
 * Creates a token after checking its scope: an institution token must name the units whose cases
 * it works (all existing), and no other role may carry units, since only that role is scoped.
 */
export async function issueToken(db: DbOrTx, input: IssueTokenInput): Promise<TokenOwner & { token: string }> {
  const unitIds = [...new Set(input.unitIds ?? [])]
  if (input.role === 'institution' && unitIds.length === 0) throw new ValidationError('an institution token needs at least one unit')
  if (input.role !== 'institution' && unitIds.length > 0) throw new ValidationError(`a ${input.role} token is not scoped to units: leave unitIds out`)
  if (unitIds.length > 0) {
    const found = await db.select({ id: units.id }).from(units).where(inArray(units.id, unitIds))
    const known = new Set(found.map((row) => row.id))
    const missing = unitIds.filter((id) => !known.has(id))
    if (missing.length > 0) throw new ValidationError(`unknown unit(s): ${missing.join(', ')}`)
  }
  // a facilitator runs the polls of its mesas, named the same way
  const groupIds = [...new Set(input.groupIds ?? [])]
  if (input.role === 'facilitator' && groupIds.length === 0) throw new ValidationError('a facilitator token needs at least one group')
  if (input.role !== 'facilitator' && groupIds.length > 0) throw new ValidationError(`a ${input.role} token is not scoped to groups: leave groupIds out`)
  if (groupIds.length > 0) {
    const known = new Set((await db.select({ id: pollGroups.id }).from(pollGroups).where(inArray(pollGroups.id, groupIds))).map((row) => row.id))
    const missing = groupIds.filter((id) => !known.has(id))
    if (missing.length > 0) throw new ValidationError(`unknown group(s): ${missing.join(', ')}`)
  }
  return createToken(db, { name: input.name, role: input.role, unitIds, groupIds })
}

/** The ids of units given by code, for the CLI; ValidationError names the codes that do not exist. */
export async function unitIdsByCode(db: DbOrTx, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return []
  const rows = await db.select({ id: units.id, code: units.code }).from(units).where(inArray(units.code, [...codes]))
  const byCode = new Map(rows.map((row) => [row.code, row.id]))
  const missing = codes.filter((code) => !byCode.has(code))
  if (missing.length > 0) throw new ValidationError(`unknown unit code(s): ${missing.join(', ')}`)
  return codes.flatMap((code) => byCode.get(code) ?? [])
}
