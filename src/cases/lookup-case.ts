import { and, desc, eq, isNotNull, ne } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, caseEvents, cases, institutions, units } from '../db/schema/index.js'
import type { CaseClock } from './case-events.js'
import { guatemalaDate } from './guatemala-date.js'
import { normalizeTrackingCode } from './tracking-code.js'

/**
 * What anyone holding a tracking code may learn: the code is the only key to an anonymous case,
 * so this never carries contact data, the description or internal notes.
 */
export type CaseLookup =
  | { found: false }
  | {
      found: true
      code: string
      status: CaseStatus
      institution: string | null
      updatedDate: string
      lastNote: string | null
      /** for an escalated case, the deadline it missed, so the citizen is told which one */
      missedClock?: CaseClock
    }

/**
 * The clock an escalation event names. The escalation job (escalate-overdue.ts) writes which
 * deadline was missed only in its note, so the note's opening words are read here; a test runs
 * the real job for both clocks, so a change of wording fails there, not silently.
 */
function clockOfEscalation(note: string | null): CaseClock | undefined {
  if (note === null) return undefined
  if (note.startsWith('Venció el plazo de primera respuesta')) return 'first_response'
  if (note.startsWith('Venció el plazo de resolución')) return 'resolution'
  return undefined
}

async function missedClock(db: DbOrTx, caseId: string): Promise<CaseClock | undefined> {
  const [escalation] = await db
    .select({ note: caseEvents.note })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'escalated')))
    .orderBy(desc(caseEvents.at), desc(caseEvents.id))
    .limit(1)
  return clockOfEscalation(escalation?.note ?? null)
}

/** Finds a case by a tracking code as the citizen typed it. */
export async function lookupCase(db: DbOrTx, input: string): Promise<CaseLookup> {
  const code = normalizeTrackingCode(input)
  if (code === null) return { found: false }
  const [row] = await db
    .select({ id: cases.id, code: cases.code, status: cases.status, updatedAt: cases.updatedAt, unit: units.name, institution: institutions.name })
    .from(cases)
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .where(eq(cases.code, code))
  if (!row) return { found: false }
  const [last] = await db
    .select({ note: caseEvents.note })
    .from(caseEvents)
    // Notes the system writes (routing reasons) are for staff; the citizen sees what people wrote.
    .where(and(eq(caseEvents.caseId, row.id), eq(caseEvents.public, true), isNotNull(caseEvents.note), ne(caseEvents.actor, 'system')))
    .orderBy(desc(caseEvents.at), desc(caseEvents.id))
    .limit(1)
  const clock = row.status === 'escalated' ? await missedClock(db, row.id) : undefined
  return {
    found: true,
    code: row.code,
    status: row.status,
    institution: responsibleName(row.unit, row.institution),
    updatedDate: guatemalaDate(row.updatedAt),
    lastNote: last?.note ?? null,
    ...(clock === undefined ? {} : { missedClock: clock }),
  }
}

/** "Dirección de Área de Salud Ixil (Ministerio de Salud …)": the office first, as people know it. */
export function responsibleName(unit: string | null, institution: string | null): string | null {
  if (unit === null || institution === null) return institution ?? unit
  return `${unit} (${institution})`
}
