import { inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { municipalities, pollGroups } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import type { PollDefinition } from './poll-definition.js'

/**
 * What zod alone cannot say of a poll about to be stored: every group and municipality of its
 * audience exists, and its window has not already passed. Without it a typo in a group id was
 * stored (201) as a poll that reached nobody.
 */
export async function checkPollDefinition(db: DbOrTx, definition: PollDefinition, now: Date): Promise<void> {
  const problems: { path: string; message: string }[] = []
  const { groups, municipalities: codes } = definition.audience
  if (groups.length > 0) {
    const found = new Set((await db.select({ id: pollGroups.id }).from(pollGroups).where(inArray(pollGroups.id, groups))).map((row) => row.id))
    groups.forEach((id, i) => found.has(id) || problems.push({ path: `audience.groups.${i}`, message: `group ${id} does not exist` }))
  }
  if (codes.length > 0) {
    const found = new Set(
      (await db.select({ code: municipalities.code }).from(municipalities).where(inArray(municipalities.code, codes))).map((row) => row.code),
    )
    codes.forEach((code, i) => found.has(code) || problems.push({ path: `audience.municipalities.${i}`, message: `municipality ${code} does not exist` }))
  }
  if (definition.closesAt <= now) problems.push({ path: 'closesAt', message: 'is already past' })
  if (definition.remindAt !== undefined && definition.remindAt <= now) problems.push({ path: 'remindAt', message: 'is already past' })
  const [first] = problems
  if (first) throw new ValidationError(`${first.path} ${first.message}`, { problems })
}
