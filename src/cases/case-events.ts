import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, type FollowUpAnswer, caseEvents, type caseStats } from '../db/schema/index.js'

/** One row of a case's history, as written. */
export type NewCaseEvent = typeof caseEvents.$inferInsert

/** A case's row in the statistics (`case_stats`). */
export type CaseStatsRow = typeof caseStats.$inferSelect

/** Which deadline a case missed or is about to miss (two clocks, as help desks keep them). */
export type CaseClock = 'first_response' | 'resolution'

/**
 * What happened to a case, as its subscribers (statistics, staff alerts, citizen notices) learn
 * it. Every change a service makes to a case is announced through `recordCaseEvent` with one of
 * these, so every change is handled alike and no service calls an alert or a statistic itself.
 */
export type CaseChange =
  /**
   * `routedUnitId` is the local office the rule named, when an urgent case went above it at once;
   * `statistics`, the case's statistics row as filed, known to the filing (the statistics need not
   * read the new case back)
   */
  | { kind: 'created'; caseId: string; urgent: boolean; routedUnitId: string | null; statistics: CaseStatsRow }
  | { kind: 'status'; caseId: string; from: CaseStatus; to: CaseStatus; actor: string; public: boolean; note: string | null }
  | { kind: 'escalated'; caseId: string; fromUnitId: string | null; clock: CaseClock }
  | { kind: 'overdue'; caseId: string; clock: CaseClock }
  | { kind: 'reassigned'; caseId: string; fromUnitId: string | null; public: boolean }
  /** a bulk move: one change for all the cases, so a chat gets one alert, not one per case */
  | { kind: 'moved'; caseIds: readonly string[]; fromUnitId: string; toUnitId: string }
  | { kind: 'due_soon'; caseId: string; clock: CaseClock }
  | { kind: 'assigned'; caseId: string; assignee: string | null }
  | { kind: 'comment'; caseId: string; public: boolean; note: string }
  | { kind: 'follow_up'; caseId: string; answer: FollowUpAnswer }

/** Reacts to a case change inside the transaction that made it, so both commit or neither. */
export type CaseEventSubscriber = (tx: DbOrTx, change: CaseChange) => Promise<void>

let subscribers: readonly CaseEventSubscriber[] = []

/**
 * Sets who hears of case changes; compose.ts calls it once with statistics, staff alerts and
 * citizen notices. A later call replaces the list (a second app in one process wires the same).
 */
export function setCaseEventSubscribers(list: readonly CaseEventSubscriber[]): void {
  subscribers = [...list]
}

/** The ids of the cases a change is about. */
export function changedCaseIds(change: CaseChange): readonly string[] {
  return change.kind === 'moved' ? change.caseIds : [change.caseId]
}

/**
 * The one place a case change is recorded: writes its events (append-only history) and then tells
 * every subscriber, in order, in the same transaction.
 */
export async function recordCaseEvent(tx: DbOrTx, events: readonly NewCaseEvent[], change: CaseChange): Promise<void> {
  if (events.length > 0) await tx.insert(caseEvents).values([...events])
  for (const subscriber of subscribers) await subscriber(tx, change)
}
