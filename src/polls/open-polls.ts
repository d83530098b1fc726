import { and, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { contacts, pollGroupMembers, pollGroups, pollInvitations, polls, pollSubscriptions } from '../db/schema/index.js'
import { pollFromRow } from './poll-store.js'

/**
 * Opens the polls whose time has come and writes one invitation per audience member, in two
 * INSERT … SELECT statements (group members, then subscribers): 100,000 contacts cost two round
 * trips, not 100,000. A contact in several groups, or in a group and subscribed, is invited once,
 * with the municipality of the first group that names one.
 */
export async function openDuePolls(tx: Tx, now: Date): Promise<string[]> {
  const due = await tx
    .update(polls)
    .set({ status: 'open', openedAt: now, updatedAt: now })
    .where(and(eq(polls.status, 'scheduled'), lte(polls.opensAt, now), gt(polls.closesAt, now)))
    .returning()
  for (const row of due) await writeInvitations(tx, row.id, pollFromRow(row).definition.audience)
  return due.map((row) => row.id)
}

/** Writes the invitations of one poll for its audience (exported for the bench). */
export async function writeInvitations(tx: Tx, pollId: string, audience: { groups: string[]; municipalities: string[] }): Promise<void> {
  const columns = sql`(poll_id, contact_id, channel, municipality_code)`
  if (audience.groups.length > 0) {
    const members = tx
      .select({ pollId: sql`${pollId}::uuid`, contactId: pollGroupMembers.contactId, channel: contacts.channel, municipalityCode: pollGroups.municipalityCode })
      .from(pollGroupMembers)
      .innerJoin(pollGroups, eq(pollGroups.id, pollGroupMembers.groupId))
      .innerJoin(contacts, eq(contacts.id, pollGroupMembers.contactId))
      .where(and(inArray(pollGroupMembers.groupId, audience.groups), isNull(pollGroupMembers.leftAt)))
      // a member of two groups takes the municipality of a group that has one
      .orderBy(sql`${pollGroups.municipalityCode} nulls last`)
    await tx.execute(sql`insert into ${pollInvitations} ${columns} ${members} on conflict do nothing`)
  }
  if (audience.municipalities.length > 0) {
    const subscribers = tx
      .select({ pollId: sql`${pollId}::uuid`, contactId: pollSubscriptions.contactId, channel: contacts.channel, municipalityCode: pollSubscriptions.municipalityCode })
      .from(pollSubscriptions)
      .innerJoin(contacts, eq(contacts.id, pollSubscriptions.contactId))
      .where(and(inArray(pollSubscriptions.municipalityCode, audience.municipalities), isNull(pollSubscriptions.leftAt)))
    await tx.execute(sql`insert into ${pollInvitations} ${columns} ${subscribers} on conflict do nothing`)
  }
}
