import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { cases, units } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { type CaseClock, recordCaseEvent } from './case-events.js'
import { OPEN_STATUSES } from './case-transitions.js'
import { guatemalaDateTime } from './guatemala-date.js'
import { FALLBACK_SLA_HOURS, freshClocks, unitSlaHours } from './unit-sla.js'

export type EscalationCounts = { escalated: number; atTop: number; dueSoon: number }

// A run handles this many; a backlog (after downtime) drains over the next runs.
const BATCH = 500
const DAY_MS = 86_400_000

async function unitOf(tx: Tx, id: string | null) {
  if (id === null) return undefined
  const [unit] = await tx.select({ id: units.id, name: units.name, parentId: units.parentId }).from(units).where(eq(units.id, id))
  return unit
}

/** Why a case moved up, in the words of its history (the citizen's notice names the clock too). */
const ESCALATION_NOTES = {
  first_response: (due: string, unit: string, parent: string, hours: number) =>
    `Venció el plazo de primera respuesta (${due}) sin acuse de recibo de ${unit}: se escala a ${parent}, con ${hours} horas para resolver.`,
  resolution: (due: string, unit: string, parent: string, hours: number) =>
    `Venció el plazo de resolución (${due}) sin que ${unit} resolviera el caso: se escala a ${parent}, con ${hours} horas para resolver.`,
} satisfies Record<CaseClock, (due: string, unit: string, parent: string, hours: number) => string>

const TOP_NOTES = {
  first_response: (due: string, unit: string) => `Venció el plazo de primera respuesta (${due}) sin acuse de recibo de ${unit}, que no tiene nivel superior: queda donde está.`,
  resolution: (due: string, unit: string) => `Venció el plazo de resolución (${due}) en ${unit}, que no tiene nivel superior: queda donde está.`,
} satisfies Record<CaseClock, (due: string, unit: string) => string>

/**
 * Keeps the two clocks of every open case. A case not acknowledged by its first-response deadline,
 * or not closed by its resolution deadline, goes to the parent of its unit with both clocks
 * started afresh (the parent's SLA, else the case's own) and an event naming the clock it missed.
 * At the top of the ladder each miss is recorded once and the case stays. It looks at the cases'
 * state, not at missed firings, so a run after downtime catches up.
 */
export async function escalateOverdue(tx: Tx, now: Date): Promise<EscalationCounts> {
  const overdue = await tx
    .select()
    .from(cases)
    .where(
      and(
        inArray(cases.status, [...OPEN_STATUSES]),
        isNull(cases.escalationEndedAt),
        or(lte(cases.dueAt, now), and(isNull(cases.respondedAt), lte(cases.responseDueAt, now))),
      ),
    )
    .orderBy(asc(sql`least(${cases.dueAt}, ${cases.responseDueAt})`))
    .limit(BATCH)
    .for('update', { skipLocked: true })
  const counts: EscalationCounts = { escalated: 0, atTop: 0, dueSoon: 0 }
  for (const kase of overdue) {
    // The resolution deadline is the graver miss: when both passed, it is the one named.
    const clock: CaseClock = kase.dueAt !== null && kase.dueAt <= now ? 'resolution' : 'first_response'
    const deadline = clock === 'resolution' ? kase.dueAt : kase.responseDueAt
    const due = deadline ? guatemalaDateTime(deadline) : ''
    const unit = await unitOf(tx, kase.unitId)
    const parent = await unitOf(tx, unit?.parentId ?? null)
    const unitName = unit?.name ?? 'una unidad sin nombre'
    if (!parent) {
      // A missed first response is recorded by stopping that clock; the resolution clock still runs.
      await tx
        .update(cases)
        .set(clock === 'resolution' ? { escalationEndedAt: now } : { responseDueAt: null })
        .where(eq(cases.id, kase.id))
      const event = { caseId: kase.id, at: now, actor: 'system', type: 'overdue', unitId: kase.unitId, note: TOP_NOTES[clock](due, unitName), public: false }
      await recordCaseEvent(tx, [event], { kind: 'overdue', caseId: kase.id, clock })
      counts.atTop++
      continue
    }
    const hours = (await unitSlaHours(tx, parent.id, kase.sector)) ?? kase.slaHours ?? FALLBACK_SLA_HOURS
    const [updated] = await tx
      .update(cases)
      .set({ unitId: parent.id, status: 'escalated', ...freshClocks(now, hours), assignee: null, updatedAt: now })
      .where(eq(cases.id, kase.id))
      .returning()
    if (!updated) continue
    const event = {
      caseId: kase.id,
      at: now,
      actor: 'system',
      type: 'escalated',
      fromStatus: kase.status,
      toStatus: 'escalated' as const,
      unitId: parent.id,
      note: ESCALATION_NOTES[clock](due, unit?.name ?? 'la unidad', parent.name, hours),
      public: true,
    }
    await recordCaseEvent(tx, [event], { kind: 'escalated', caseId: kase.id, fromUnitId: kase.unitId, clock })
    counts.escalated++
  }
  counts.dueSoon = await alertDueSoon(tx, now)
  return counts
}

/**
 * Warns a case's unit once when its resolution deadline is a day away. Cases given a day or less
 * (urgent ones) are left out: they would be warned the moment they arrive, next to the new-case alert.
 */
export async function alertDueSoon(tx: Tx, now: Date): Promise<number> {
  const soon = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(
      and(
        inArray(cases.status, [...OPEN_STATUSES]),
        isNull(cases.escalationEndedAt),
        isNull(cases.dueSoonAlertedAt),
        gt(cases.slaHours, 24),
        gt(cases.dueAt, now),
        lte(cases.dueAt, new Date(now.getTime() + DAY_MS)),
      ),
    )
    .orderBy(asc(cases.dueAt))
    .limit(BATCH)
    .for('update', { skipLocked: true })
  for (const { id } of soon) {
    await tx.update(cases).set({ dueSoonAlertedAt: now }).where(eq(cases.id, id))
    await recordCaseEvent(tx, [], { kind: 'due_soon', caseId: id, clock: 'resolution' })
  }
  return soon.length
}

/** The escalation job (both clocks and the day-before warning), every five minutes by default. */
export function escalationJob(cron = '*/5 * * * *'): Job {
  return { name: 'case-escalation', cron, run: async (tx, slot) => void (await escalateOverdue(tx, slot)) }
}
