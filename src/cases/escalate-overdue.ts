import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { caseEvents, cases, units } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { alertStaff } from '../staff/alert-staff.js'
import { OPEN_STATUSES } from './case-transitions.js'
import { guatemalaDate } from './guatemala-date.js'
import { notifyCitizen } from './notify-citizen.js'
import { FALLBACK_SLA_HOURS, hoursLater, unitSlaHours } from './unit-sla.js'
import { syncCaseStats } from '../stats/sync-case-stats.js'

export type EscalationCounts = { escalated: number; atTop: number }

// A run handles this many; a backlog (after downtime) drains over the next runs.
const BATCH = 500

async function unitOf(tx: Tx, id: string | null) {
  if (id === null) return undefined
  const [unit] = await tx.select({ id: units.id, name: units.name, parentId: units.parentId }).from(units).where(eq(units.id, id))
  return unit
}

/**
 * Escalates every open case whose deadline passed by `now` to the parent of its unit, with a new
 * deadline (the parent's SLA, else the case's own) and an event saying why. A case overdue at the
 * top of the ladder is recorded once and left there, so the job does not loop on it. It looks at
 * the cases' state, not at missed firings, so a run after downtime catches up.
 */
export async function escalateOverdue(tx: Tx, now: Date): Promise<EscalationCounts> {
  const overdue = await tx
    .select()
    .from(cases)
    .where(and(inArray(cases.status, [...OPEN_STATUSES]), lte(cases.dueAt, now), isNull(cases.escalationEndedAt)))
    .orderBy(asc(cases.dueAt))
    .limit(BATCH)
    .for('update', { skipLocked: true })
  const counts: EscalationCounts = { escalated: 0, atTop: 0 }
  for (const kase of overdue) {
    const unit = await unitOf(tx, kase.unitId)
    const parent = await unitOf(tx, unit?.parentId ?? null)
    const due = kase.dueAt ? guatemalaDate(kase.dueAt) : ''
    if (!parent) {
      await tx.update(cases).set({ escalationEndedAt: now }).where(eq(cases.id, kase.id))
      await tx.insert(caseEvents).values({
        caseId: kase.id,
        at: now,
        actor: 'system',
        type: 'overdue',
        unitId: kase.unitId,
        note: `Venció el plazo (${due}) en ${unit?.name ?? 'una unidad sin nombre'}, que no tiene nivel superior: queda donde está.`,
        public: false,
      })
      await alertStaff(tx, kase.id, 'overdue')
      counts.atTop++
      continue
    }
    const hours = (await unitSlaHours(tx, parent.id, kase.sector)) ?? kase.slaHours ?? FALLBACK_SLA_HOURS
    const [updated] = await tx
      .update(cases)
      .set({ unitId: parent.id, status: 'escalated', dueAt: hoursLater(now, hours), updatedAt: now })
      .where(eq(cases.id, kase.id))
      .returning()
    if (!updated) continue
    await tx.insert(caseEvents).values({
      caseId: kase.id,
      at: now,
      actor: 'system',
      type: 'escalated',
      fromStatus: kase.status,
      toStatus: 'escalated',
      unitId: parent.id,
      note: `Venció el plazo (${due}) sin respuesta de ${unit?.name ?? 'la unidad'}: se escala a ${parent.name}, con ${hours} horas.`,
      public: true,
    })
    await syncCaseStats(tx, kase.id)
    await alertStaff(tx, kase.id, 'escalated')
    await notifyCitizen(tx, updated, 'escalated')
    counts.escalated++
  }
  return counts
}

/** The escalation job, every five minutes by default. */
export function escalationJob(cron = '*/5 * * * *'): Job {
  return { name: 'case-escalation', cron, run: async (tx, slot) => void (await escalateOverdue(tx, slot)) }
}
