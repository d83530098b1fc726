import type { CaseStatus } from '../db/schema/index.js'

/**
 * The legal moves of a case. `routed` is reached by routing or reassignment and `escalated` by the
 * deadline job, never asked for directly; a closed case (resolved, rejected) can only be reopened.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  received: ['routed', 'rejected'],
  routed: ['acknowledged', 'in_progress', 'resolved', 'rejected', 'escalated'],
  acknowledged: ['in_progress', 'resolved', 'rejected', 'escalated'],
  in_progress: ['resolved', 'rejected', 'escalated'],
  resolved: ['reopened'],
  rejected: ['reopened'],
  reopened: ['acknowledged', 'in_progress', 'resolved', 'rejected', 'escalated'],
  escalated: ['acknowledged', 'in_progress', 'resolved', 'rejected', 'escalated'],
}

/** Statuses a person may ask for through the API or the chat. */
export const REQUESTABLE_STATUSES = ['acknowledged', 'in_progress', 'resolved', 'rejected', 'reopened'] as const
export type RequestableStatus = (typeof REQUESTABLE_STATUSES)[number]

/** Statuses in which a case still waits for its unit: the deadline runs and escalation applies. */
export const OPEN_STATUSES = ['received', 'routed', 'acknowledged', 'in_progress', 'reopened', 'escalated'] as const satisfies readonly CaseStatus[]

/** Statuses in which the unit is done with a case. */
export const CLOSED_STATUSES = ['resolved', 'rejected'] as const satisfies readonly CaseStatus[]

/** Whether a case may go from `from` to `to`. */
export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to)
}
