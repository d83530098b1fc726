import { createHmac } from 'node:crypto'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { TRACKING_ALPHABET } from '../cases/tracking-code.js'
import { loadAppSecret } from '../db/app-secret.js'
import type { DbOrTx, Tx } from '../db/client.js'
import { pollGroupMembers, pollGroups } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'
import { leaveChosen } from './membership.js'

const SYMBOLS = 6

/**
 * A member's number in one mesa ("M-7F3K2Q"): the handle a facilitator removes them by, which the
 * member is told when they join. A keyed hash of the group and the contact, so it names nobody,
 * differs between mesas (a member of two cannot be linked) and needs nothing stored.
 */
export function memberNumber(secret: Buffer, groupId: string, contactId: string): string {
  const digest = createHmac('sha256', secret).update(`member\u0000${groupId}\u0000${contactId}`).digest()
  return `M-${[...digest.subarray(0, SYMBOLS)].map((byte) => TRACKING_ALPHABET[byte % TRACKING_ALPHABET.length]).join('')}`
}

export async function memberSecret(db: DbOrTx): Promise<Buffer> {
  return loadAppSecret(db, 'poll-member')
}

export type GroupMember = { member: string; joinedAt: string }

/** The current members of a group by number and joining day, never by contact. */
export async function listMembers(db: DbOrTx, groupId: string): Promise<GroupMember[]> {
  const secret = await memberSecret(db)
  const rows = await db
    .select({ contactId: pollGroupMembers.contactId, joinedAt: pollGroupMembers.joinedAt })
    .from(pollGroupMembers)
    .where(and(eq(pollGroupMembers.groupId, groupId), isNull(pollGroupMembers.leftAt)))
    .orderBy(asc(pollGroupMembers.joinedAt))
  return rows.map((row) => ({ member: memberNumber(secret, groupId, row.contactId), joinedAt: row.joinedAt.toISOString().slice(0, 10) }))
}

/**
 * Takes a member out of a group (a facilitator acting on an abuse report, or on the member's own
 * request): they leave it, and its open polls that reached them through it stop coming.
 */
export async function removeMember(tx: Tx, groupId: string, member: string, now: Date): Promise<void> {
  const secret = await memberSecret(tx)
  const [group] = await tx.select({ inviteCode: pollGroups.inviteCode }).from(pollGroups).where(eq(pollGroups.id, groupId))
  if (!group) throw new NotFoundError('group', groupId)
  const rows = await tx
    .select({ contactId: pollGroupMembers.contactId })
    .from(pollGroupMembers)
    .where(and(eq(pollGroupMembers.groupId, groupId), isNull(pollGroupMembers.leftAt)))
  const found = rows.find((row) => memberNumber(secret, groupId, row.contactId) === member.toUpperCase())
  if (!found) throw new NotFoundError('member of group', member)
  // as if they had written "salir CODE" themselves: this group only, and its polls alone
  await leaveChosen(tx, found.contactId, group.inviteCode, now)
}
