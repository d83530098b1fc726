import { createHash } from 'node:crypto'
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import { newTrackingCode, normalizeTrackingCode } from '../cases/tracking-code.js'
import type { DbOrTx } from '../db/client.js'
import { officeSignInCodes } from '../db/schema/index.js'

/** Minutes a sign-in code works: enough to open a browser, too short to be worth stealing. */
export const SIGN_IN_CODE_MINUTES = 10

function hashCode(code: string): string {
  return createHash('sha256').update(`office:${code}`).digest('hex')
}

/**
 * A one-time code that opens an office session for this staff chat. It has the shape of a
 * tracking code (easy to type on a phone); only its hash is stored, and a new code voids the
 * chat's unused ones.
 */
export async function createSignInCode(db: DbOrTx, input: { contactId: string; now: Date; ttlMinutes?: number }): Promise<{ code: string; expiresAt: Date }> {
  await db.delete(officeSignInCodes).where(and(eq(officeSignInCodes.contactId, input.contactId), isNull(officeSignInCodes.usedAt)))
  const code = newTrackingCode()
  const expiresAt = new Date(input.now.getTime() + (input.ttlMinutes ?? SIGN_IN_CODE_MINUTES) * 60_000)
  await db.insert(officeSignInCodes).values({ codeHash: hashCode(code), contactId: input.contactId, createdAt: input.now, expiresAt })
  return { code, expiresAt }
}

/** Spends a code: the staff chat it was made for, or null when it is unknown, used or expired. */
export async function redeemSignInCode(db: DbOrTx, input: { code: string; now: Date }): Promise<string | null> {
  const code = normalizeTrackingCode(input.code)
  if (code === null) return null
  const [used] = await db
    .update(officeSignInCodes)
    .set({ usedAt: input.now })
    .where(and(eq(officeSignInCodes.codeHash, hashCode(code)), isNull(officeSignInCodes.usedAt), gt(officeSignInCodes.expiresAt, input.now)))
    .returning({ contactId: officeSignInCodes.contactId })
  return used?.contactId ?? null
}

/** Deletes codes past their end, used or not: a spent code is worth nothing and need not be kept. */
export async function purgeSignInCodes(db: DbOrTx, now: Date): Promise<void> {
  await db.delete(officeSignInCodes).where(lt(officeSignInCodes.expiresAt, now))
}
