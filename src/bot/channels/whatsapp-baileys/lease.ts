import { and, eq, lt, or } from 'drizzle-orm'
import type { Db } from '../../../db/client.js'
import { channelLeases } from '../../../db/schema/index.js'

/**
 * Takes or renews the lease `name` for `holder` until `at + ttlMs`. Succeeds when nobody holds it,
 * when `holder` already does, or when the other holder let it expire (it died or lost the
 * database); the row update is atomic, so two instances never both succeed.
 */
export async function acquireLease(db: Db, input: { name: string; holder: string; ttlMs: number; at: Date }): Promise<boolean> {
  const expiresAt = new Date(input.at.getTime() + input.ttlMs)
  const rows = await db
    .insert(channelLeases)
    .values({ name: input.name, holder: input.holder, expiresAt })
    .onConflictDoUpdate({
      target: channelLeases.name,
      set: { holder: input.holder, expiresAt },
      setWhere: or(eq(channelLeases.holder, input.holder), lt(channelLeases.expiresAt, input.at)),
    })
    .returning({ holder: channelLeases.holder })
  return rows.length > 0
}

/** Gives the lease up at once (on shutdown), so another instance need not wait for it to expire. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.delete(channelLeases).where(and(eq(channelLeases.name, name), eq(channelLeases.holder, holder)))
}
