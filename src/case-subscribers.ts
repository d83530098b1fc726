import { type CaseEventSubscriber, changedCaseIds } from './cases/case-events.js'
import { citizenNotices } from './cases/citizen-notices.js'
import { staffCaseAlerts } from './staff/case-alerts.js'
import { addNewCaseStats, syncCaseStats } from './stats/sync-case-stats.js'

/** Keeps the statistics rows of the changed cases in line; notes and warnings change no figure. */
const caseStatistics: CaseEventSubscriber = async (tx, change) => {
  if (change.kind === 'comment' || change.kind === 'due_soon' || change.kind === 'assigned') return
  if (change.kind === 'created') return addNewCaseStats(tx, change.statistics)
  for (const id of changedCaseIds(change)) await syncCaseStats(tx, id)
}

/**
 * Who hears of a case change, in order: statistics first (an alert never describes figures that
 * are not yet true), then staff alerts, then the citizen's notice.
 */
export function caseEventSubscribers(): CaseEventSubscriber[] {
  return [caseStatistics, staffCaseAlerts, citizenNotices]
}
