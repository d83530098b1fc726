import { eq } from 'drizzle-orm'
import type { CaseChange, CaseClock, CaseEventSubscriber } from '../cases/case-events.js'
import { responsibleName } from '../cases/lookup-case.js'
import type { DbOrTx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { institutions, units } from '../db/schema/index.js'
import { alertStaff } from './alert-staff.js'
import { staffTranslate } from './staff-text.js'
import { unitSubscribers } from './subscriptions.js'

const byClock = <T extends string>(clock: CaseClock, firstResponse: T, resolution: T): T => (clock === 'first_response' ? firstResponse : resolution)

async function unitName(db: DbOrTx, unitId: string): Promise<string> {
  const [row] = await db
    .select({ unit: units.name, institution: institutions.name })
    .from(units)
    .innerJoin(institutions, eq(institutions.id, units.institutionId))
    .where(eq(units.id, unitId))
  return row ? (responsibleName(row.unit, row.institution) ?? row.unit) : ''
}

/**
 * One alert per chat for a bulk move, to both units: a hundred moved cases are news, a hundred
 * messages are noise. The receiving unit reads the cases in the API or with `caso CODE`.
 */
async function alertMove(db: DbOrTx, change: Extract<CaseChange, { kind: 'moved' }>): Promise<void> {
  const from = await unitName(db, change.fromUnitId)
  const to = await unitName(db, change.toUnitId)
  const sides = [
    { unitId: change.toUnitId, key: 'staffAlert.movedIn' },
    { unitId: change.fromUnitId, key: 'staffAlert.movedOut' },
  ]
  for (const side of sides) {
    const chats = await unitSubscribers(db, side.unitId)
    await enqueue(
      db,
      chats.flatMap(({ channel, ...chat }) =>
        isChannelKind(channel)
          ? [{ ...chat, channel, kind: 'alert' as const, reply: { text: staffTranslate(chat.locale, side.key, { count: change.caseIds.length, from, to }) } }]
          : [],
      ),
    )
  }
}

/**
 * Staff alerts for every case change that concerns a unit: the list of what alerts whom lives here
 * and only here, so a new way of changing a case cannot forget to tell its staff.
 */
export const staffCaseAlerts: CaseEventSubscriber = async (db, change) => {
  switch (change.kind) {
    case 'created':
      await alertStaff(db, change.caseId, 'new')
      // An urgent case went straight above the local office; the office still has to know.
      if (change.urgent && change.routedUnitId !== null) await alertStaff(db, change.caseId, 'urgent', change.routedUnitId)
      return
    case 'escalated':
      await alertStaff(db, change.caseId, byClock(change.clock, 'escalatedFirstResponse', 'escalatedResolution'))
      if (change.fromUnitId !== null) {
        await alertStaff(db, change.caseId, byClock(change.clock, 'escalatedAwayFirstResponse', 'escalatedAwayResolution'), change.fromUnitId)
      }
      return
    case 'overdue':
      await alertStaff(db, change.caseId, byClock(change.clock, 'overdueFirstResponse', 'overdueResolution'))
      return
    case 'reassigned':
      await alertStaff(db, change.caseId, 'reassigned')
      return
    case 'moved':
      await alertMove(db, change)
      return
    case 'status':
      if (change.to === 'reopened') await alertStaff(db, change.caseId, 'reopened')
      return
    case 'due_soon':
      await alertStaff(db, change.caseId, 'dueSoon')
      return
    case 'assigned':
      if (change.assignee !== null) await alertStaff(db, change.caseId, 'assigned')
      return
    case 'comment':
    case 'follow_up':
      return
    default: {
      const unhandled: never = change
      throw new Error(`unhandled case change ${JSON.stringify(unhandled)}`)
    }
  }
}

