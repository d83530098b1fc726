import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases } from '../db/schema/index.js'
import type { CaseChange, CaseEventSubscriber } from './case-events.js'
import { type CaseNews, notifyCitizen } from './notify-citizen.js'

/** The news a change is for the citizen, or null when they are not told of it. */
function newsOf(change: CaseChange): { news: CaseNews; note: string | null } | null {
  switch (change.kind) {
    case 'status':
      // The citizen who reopened their own case was answered in the chat already.
      if (!change.public || change.actor === 'citizen') return null
      if (change.to === 'received' || change.to === 'routed') return null
      if (change.to === 'escalated') return { news: 'escalated', note: change.note }
      return { news: change.to, note: change.note }
    case 'escalated':
      return { news: change.clock === 'first_response' ? 'escalatedFirstResponse' : 'escalatedResolution', note: null }
    case 'reassigned':
      return change.public ? { news: 'reassigned', note: null } : null
    case 'comment':
      return change.public ? { news: 'comment', note: change.note } : null
    case 'created':
    case 'overdue':
    case 'moved':
    case 'due_soon':
    case 'assigned':
    case 'follow_up':
      return null
    default:
      return assertNever(change)
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled case change ${JSON.stringify(value)}`)
}

/** Tells the citizen, through the outbox, of the public changes to their case. */
export const citizenNotices: CaseEventSubscriber = async (tx: DbOrTx, change: CaseChange) => {
  const told = newsOf(change)
  if (told === null || change.kind === 'moved') return
  const [kase] = await tx.select().from(cases).where(eq(cases.id, change.caseId))
  if (kase) await notifyCitizen(tx, kase, told.news, told.note)
}
