import { and, asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type Sector, routingRules } from '../db/schema/index.js'

/** Hours given when neither the unit's rules nor the case say anything: the health default. */
export const FALLBACK_SLA_HOURS = 72

/**
 * The deadline a unit works to for a sector: the shortest SLA among the rules that send that
 * sector's cases to it, or null when no rule names the unit (a ministry's central office).
 */
export async function unitSlaHours(db: DbOrTx, unitId: string, sector: Sector): Promise<number | null> {
  const [rule] = await db
    .select({ slaHours: routingRules.slaHours })
    .from(routingRules)
    .where(and(eq(routingRules.unitId, unitId), eq(routingRules.sector, sector)))
    .orderBy(asc(routingRules.slaHours))
    .limit(1)
  return rule?.slaHours ?? null
}

/** `now` plus some hours. */
export function hoursLater(now: Date, hours: number): Date {
  return new Date(now.getTime() + hours * 3_600_000)
}

/** The longest a unit may take to acknowledge a case, whatever its resolution deadline. */
export const MAX_FIRST_RESPONSE_HOURS = 24

/**
 * Hours to a first response (acknowledging) for a case with `slaHours` to resolution: a third of
 * it, at least one hour and at most a day, so a 72-hour case must be looked at within 24 hours and
 * an urgent 24-hour case within 8.
 */
export function firstResponseHours(slaHours: number): number {
  return Math.min(MAX_FIRST_RESPONSE_HOURS, Math.max(1, Math.ceil(slaHours / 3)))
}

/** Both clocks started afresh at `now`, as when a unit receives a case; for `cases.set()`. */
export function freshClocks(now: Date, slaHours: number) {
  return {
    dueAt: hoursLater(now, slaHours),
    responseDueAt: hoursLater(now, firstResponseHours(slaHours)),
    respondedAt: null,
    dueSoonAlertedAt: null,
    escalationEndedAt: null,
  }
}
