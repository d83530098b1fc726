import { inArray } from 'drizzle-orm'
import type { Flow } from '../bot/engine/index.js'
import type { DbOrTx } from '../db/client.js'
import { polls } from '../db/schema/index.js'
import { pollFlow, pollIdOf } from './poll-flow.js'
import { pollFromRow } from './poll-store.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The runtime's `resolveFlows` for polls: builds `poll:<id>` flows from the database, in the
 * contact's language. A poll that is gone yields nothing, and the engine starts the contact over.
 */
export async function resolvePollFlows(tx: DbOrTx, flowIds: readonly string[], locale: string): Promise<Record<string, Flow>> {
  const ids = flowIds.map(pollIdOf).filter((id): id is string => id !== undefined && UUID.test(id))
  if (ids.length === 0) return {}
  const rows = await tx.select().from(polls).where(inArray(polls.id, ids))
  const flows = rows.map((row) => pollFlow(pollFromRow(row), locale))
  return Object.fromEntries(flows.map((flow) => [flow.id, flow]))
}
