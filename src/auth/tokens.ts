import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { apiTokens, type Role } from '../db/schema/index.js'

/** Who presented a token; `unitIds` scopes an institution token to its units' cases, `groupIds` a facilitator's to its mesas. */
export type TokenOwner = { id: string; name: string; role: Role; unitIds: string[]; groupIds: string[] }

const PREFIX = 'dlg_'

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createToken(
  db: DbOrTx,
  input: { name: string; role: Role; unitIds?: string[]; groupIds?: string[] },
): Promise<TokenOwner & { token: string }> {
  const token = PREFIX + randomBytes(24).toString('base64url')
  const [row] = await db
    .insert(apiTokens)
    .values({ name: input.name, role: input.role, tokenHash: hashSecret(token), unitIds: input.unitIds ?? [], groupIds: input.groupIds ?? [] })
    .returning({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, unitIds: apiTokens.unitIds, groupIds: apiTokens.groupIds })
  if (!row) throw new Error('token insert returned nothing')
  return { ...row, token }
}

/**
 * The owner of a presented token, or null when it is unknown or revoked. The lookup is by hash,
 * and the hashes are compared again in constant time so the answer's timing reveals nothing.
 */
export async function verifyToken(db: DbOrTx, presented: string, now: Date = new Date()): Promise<TokenOwner | null> {
  const hash = hashSecret(presented)
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash))
  if (!row || row.revokedAt !== null) return null
  if (!timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id))
  return { id: row.id, name: row.name, role: row.role, unitIds: row.unitIds, groupIds: row.groupIds }
}

/** Revokes a token by id; false when there is no such token. */
export async function revokeToken(db: DbOrTx, id: string, now: Date = new Date()): Promise<boolean> {
  const rows = await db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning({ id: apiTokens.id })
  return rows.length > 0
}

/** A token as it is listed: never the secret nor its hash. */
export type TokenListing = TokenOwner & { createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }

/** Every token, oldest first, without secrets or hashes. */
export async function listTokens(db: DbOrTx): Promise<TokenListing[]> {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      unitIds: apiTokens.unitIds,
      groupIds: apiTokens.groupIds,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id))
}
