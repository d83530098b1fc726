import { and, asc, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { institutions, units } from '../db/schema/index.js'
import { DomainError, NotFoundError } from '../domain-errors.js'
import type { DirectoryScope } from './scope.js'

export type Institution = typeof institutions.$inferSelect

function ownedBy(db: DbOrTx, unitIds: readonly string[]) {
  return inArray(institutions.id, db.select({ id: units.institutionId }).from(units).where(inArray(units.id, [...unitIds])))
}

/** Institutions ordered by code; for a scoped caller only those its units belong to. */
export async function listInstitutions(db: DbOrTx, scope: DirectoryScope = {}): Promise<Institution[]> {
  if (scope.unitIds?.length === 0) return []
  const where = scope.unitIds === undefined ? undefined : ownedBy(db, scope.unitIds)
  return db.select().from(institutions).where(where).orderBy(asc(institutions.code))
}

/** One institution; NotFoundError when it does not exist or is outside the scope. */
export async function getInstitution(db: DbOrTx, id: string, scope: DirectoryScope = {}): Promise<Institution> {
  if (scope.unitIds?.length === 0) throw new NotFoundError('institution', id)
  const where = scope.unitIds === undefined ? eq(institutions.id, id) : and(eq(institutions.id, id), ownedBy(db, scope.unitIds))
  const [row] = await db.select().from(institutions).where(where)
  if (!row) throw new NotFoundError('institution', id)
  return row
}

/** Creates an institution; a taken code is a conflict (409). */
export async function createInstitution(db: DbOrTx, input: { code: string; name: string }): Promise<Institution> {
  const [row] = await db.insert(institutions).values(input).onConflictDoNothing({ target: institutions.code }).returning()
  if (!row) throw new DomainError(`an institution with code ${input.code} already exists`)
  return row
}

/** Renames an institution (its code is its identity and does not change). */
export async function renameInstitution(db: DbOrTx, id: string, name: string): Promise<Institution> {
  const [row] = await db.update(institutions).set({ name }).where(eq(institutions.id, id)).returning()
  if (!row) throw new NotFoundError('institution', id)
  return row
}
