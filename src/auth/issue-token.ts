import { inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type Role, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { type TokenOwner, createToken } from './tokens.js'

export type IssueTokenInput = { name: string; role: Role; unitIds?: readonly string[] }

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
  return createToken(db, { name: input.name, role: input.role, unitIds })
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
