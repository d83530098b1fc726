import { lt, sql } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../db/client.js'
import { rateLimits } from '../db/schema/index.js'

const HOUR_MS = 3_600_000

/**
 * Counts one guess at a tracking code against each key (the contact, the client address) for the
 * current hour, in the database so every instance shares the count. Answers false when any key
 * is over `perHour`: a code carries 50 bits, and this keeps guessing them at hours per hit.
 */
export async function allowLookup(tx: Tx, keys: readonly string[], now: Date, perHour: number): Promise<boolean> {
  const windowStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS)
  let allowed = true
  for (const key of keys) {
    const [row] = await tx
      .insert(rateLimits)
      .values({ key, windowStart, hits: 1 })
      .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { hits: sql`${rateLimits.hits} + 1` } })
      .returning({ hits: rateLimits.hits })
    if (!row || row.hits > perHour) allowed = false
  }
  return allowed
}

/** Deletes the counts of past hours. */
export async function purgeLookupCounts(db: DbOrTx, now: Date): Promise<number> {
  const current = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS)
  const rows = await db.delete(rateLimits).where(lt(rateLimits.windowStart, current)).returning({ key: rateLimits.key })
  return rows.length
}

/** The keys a lookup is counted under: never a contact's address, only ids and keyed hashes. */
export function lookupKeys(context: { contactId: string; clientKey?: string }): string[] {
  return [`lookup:contact:${context.contactId}`, ...(context.clientKey ? [`lookup:${context.clientKey}`] : [])]
}

