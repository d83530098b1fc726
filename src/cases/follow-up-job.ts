import { and, asc, eq, isNotNull, isNull, lte } from 'drizzle-orm'
import type { Json } from '../bot/engine/types.js'
import type { Tx } from '../db/client.js'
import { cases } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { unitDisplayName } from './notify-citizen.js'

/** The flow that asks "was it solved?"; its "no" reopens the case. */
export const FOLLOW_UP_FLOW = 'followup'

/** Opens a flow for a contact outside an inbound message (the runtime's `startFlow`). */
export type StartFlow = (contactId: string, flowId: string, vars: Record<string, Json>, tx?: Tx) => Promise<'started' | 'busy' | 'gone'>

const BATCH = 200
const DAY_MS = 86_400_000

/**
 * Asks the citizen of each case resolved `days` ago or more whether it was solved, once per
 * resolution. A citizen in the middle of another conversation is asked on a later run.
 */
export async function askFollowUps(tx: Tx, now: Date, deps: { startFlow: StartFlow; days: number }): Promise<number> {
  const due = await tx
    .select({ id: cases.id, code: cases.code, contactId: cases.contactId, unitId: cases.unitId })
    .from(cases)
    .where(
      and(
        eq(cases.status, 'resolved'),
        lte(cases.resolvedAt, new Date(now.getTime() - deps.days * DAY_MS)),
        isNull(cases.followUpAskedAt),
        isNotNull(cases.contactId),
        eq(cases.followUps, true),
      ),
    )
    .orderBy(asc(cases.resolvedAt))
    .limit(BATCH)
  let asked = 0
  for (const kase of due) {
    if (kase.contactId === null) continue
    const vars = { code: kase.code, institution: await unitDisplayName(tx, kase.unitId) }
    const outcome = await deps.startFlow(kase.contactId, FOLLOW_UP_FLOW, vars, tx)
    if (outcome === 'busy') continue
    // 'gone' (the contact was deleted) also closes the question: there is no one left to ask.
    await tx.update(cases).set({ followUpAskedAt: now }).where(eq(cases.id, kase.id))
    if (outcome === 'started') asked++
  }
  return asked
}

/** The follow-up job: hourly during the day in Guatemala, so nobody is asked at night. */
export function followUpJob(deps: { startFlow: StartFlow; days: number; cron?: string }): Job {
  return { name: 'case-follow-up', cron: deps.cron ?? '0 9-19 * * *', run: async (tx, slot) => void (await askFollowUps(tx, slot, deps)) }
}
