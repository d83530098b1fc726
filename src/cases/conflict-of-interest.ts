import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { units } from '../db/schema/index.js'

/** Where a conflict-of-interest case goes instead, and the private note that says why. */
export type ConflictTarget = { unitId: string; note: (from: string, to: string) => string }

/**
 * The unit that receives a complaint about the head of `matched`: the configured oversight unit
 * when there is one (it is outside every chain of command), else the unit above `matched`. Null
 * when neither exists; the case then stays where its rule put it, with nobody better to send it to.
 */
export async function conflictTarget(
  tx: Tx,
  matched: { id: string; parentId: string | null },
  oversightUnitCode: string | undefined,
): Promise<ConflictTarget | null> {
  if (oversightUnitCode !== undefined) {
    const [oversight] = await tx.select({ id: units.id }).from(units).where(eq(units.code, oversightUnitCode))
    if (!oversight) throw new Error(`OVERSIGHT_UNIT_CODE ${oversightUnitCode} names no unit`)
    if (oversight.id !== matched.id) {
      return { unitId: oversight.id, note: (from, to) => `Conflicto de interés: la queja es sobre quien dirige ${from}; se envía a la unidad de supervisión ${to}.` }
    }
  }
  if (matched.parentId === null) return null
  return { unitId: matched.parentId, note: (from, to) => `Conflicto de interés: la queja es sobre quien dirige ${from}; se envía a ${to}.` }
}
