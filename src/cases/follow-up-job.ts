import { and, asc, eq, isNotNull, isNull, lte } from 'drizzle-orm'
import type { Json } from '../bot/engine/types.js'
import type { Tx } from '../db/client.js'
import { cases } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { recordFollowUpAnswer } from './follow-up-answer.js'
import { unitDisplayName } from './notify-citizen.js'

/** The flow that asks "was it solved?"; its "no" reopens the case. */
export const FOLLOW_UP_FLOW = 'followup'

/** Opens a flow for a contact outside an inbound message (the runtime's `startFlow`). */
export type StartFlow = (contactId: string, flowId: string, vars: Record<string, Json>, tx?: Tx) => Promise<'started' | 'busy' | 'gone'>

const BATCH = 200
const DAY_MS = 86_400_000

/** Citizens are asked only in the day in Guatemala: from 09:00 to before 19:00. */
export const FOLLOW_UP_HOURS = { from: 9, to: 19 } as const

/** Days a question waits for its answer before it is recorded as unanswered. */
export const FOLLOW_UP_ANSWER_DAYS = 7

const hourFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Guatemala', hour: '2-digit', hourCycle: 'h23' })

/** Whether `at` is a decent hour to write to someone in Guatemala. */
export function isFollowUpHour(at: Date): boolean {
  const hour = Number(hourFormatter.format(at))
  return hour >= FOLLOW_UP_HOURS.from && hour < FOLLOW_UP_HOURS.to
}

/** Records "no answer" for the questions asked long enough ago that went unanswered. */
async function closeUnanswered(tx: Tx, now: Date): Promise<number> {
  const stale = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(isNull(cases.followUpAnswer), lte(cases.followUpAskedAt, new Date(now.getTime() - FOLLOW_UP_ANSWER_DAYS * DAY_MS))))
    .limit(BATCH)
  for (const { id } of stale) await recordFollowUpAnswer(tx, { caseId: id, answer: 'none', now })
  return stale.length
}

/**
 * Asks the citizen of each case resolved `days` ago or more whether it was solved, once per
 * resolution, and only in the day (a run at night, by hand or after a restart, asks nobody). A
 * citizen in the middle of another conversation is asked on a later run. Questions unanswered
 * for a week are recorded as such.
 */
export async function askFollowUps(tx: Tx, now: Date, deps: { startFlow: StartFlow; days: number }): Promise<number> {
  await closeUnanswered(tx, now)
  if (!isFollowUpHour(now)) return 0
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
    await tx.update(cases).set({ followUpAskedAt: now, followUpAnswer: null }).where(eq(cases.id, kase.id))
    if (outcome === 'started') asked++
  }
  return asked
}

/** The follow-up job: hourly during the day in Guatemala (the last run at 18:00), so nobody is asked at night. */
export function followUpJob(deps: { startFlow: StartFlow; days: number; cron?: string }): Job {
  return { name: 'case-follow-up', cron: deps.cron ?? '0 9-18 * * *', run: async (tx, slot) => void (await askFollowUps(tx, slot, deps)) }
}
