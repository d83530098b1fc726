import { and, asc, count, eq, isNull } from 'drizzle-orm'
import { newTrackingCode, normalizeTrackingCode } from '../cases/tracking-code.js'
import type { DbOrTx } from '../db/client.js'
import { municipalities, pollGroupMembers, pollGroups } from '../db/schema/index.js'
import { NotFoundError, ValidationError } from '../domain-errors.js'
import { memberNumber, memberSecret } from './member-numbers.js'

/** A group as staff see it: how many members, never who. */
export type PollGroup = { id: string; name: string; municipalityCode: string | null; inviteCode: string; members: number; createdAt: Date }

/** Creates a mesa's group with a fresh invite code (shaped like a tracking code, easy to read aloud). */
export async function createGroup(db: DbOrTx, input: { name: string; municipalityCode?: string | undefined }, now: Date): Promise<PollGroup> {
  if (input.municipalityCode !== undefined) await requireMunicipality(db, input.municipalityCode)
  const [row] = await db
    .insert(pollGroups)
    .values({ name: input.name, municipalityCode: input.municipalityCode ?? null, inviteCode: newTrackingCode(), createdAt: now })
    .returning()
  if (!row) throw new Error('group insert returned nothing')
  return { ...row, members: 0 }
}

/** Every group with its member count. */
export async function listGroups(db: DbOrTx): Promise<PollGroup[]> {
  const rows = await db.select().from(pollGroups).orderBy(asc(pollGroups.name))
  const counts = await db
    .select({ groupId: pollGroupMembers.groupId, members: count() })
    .from(pollGroupMembers)
    .where(isNull(pollGroupMembers.leftAt))
    .groupBy(pollGroupMembers.groupId)
  const byGroup = new Map(counts.map((c) => [c.groupId, c.members]))
  return rows.map((row) => ({ ...row, members: byGroup.get(row.id) ?? 0 }))
}

/** One group with its member count, or NotFoundError. */
export async function getGroup(db: DbOrTx, id: string): Promise<PollGroup> {
  const group = (await listGroups(db)).find((g) => g.id === id)
  if (!group) throw new NotFoundError('group', id)
  return group
}

/** Gives a group a new invite code: the old one (perhaps passed around too widely) stops working. */
export async function rotateInviteCode(db: DbOrTx, id: string): Promise<PollGroup> {
  const [row] = await db.update(pollGroups).set({ inviteCode: newTrackingCode() }).where(eq(pollGroups.id, id)).returning()
  if (!row) throw new NotFoundError('group', id)
  return getGroup(db, id)
}

/** `member`: their number in this mesa, the handle a facilitator would remove them by */
export type JoinOutcome = { joined: boolean; already: boolean; group: string | null; member?: string }

/** Adds a contact to the group whose invite code they sent; a code nobody has joins nothing. */
export async function joinGroup(db: DbOrTx, contactId: string, typedCode: string, now: Date): Promise<JoinOutcome> {
  const code = normalizeTrackingCode(typedCode)
  const [group] = code ? await db.select().from(pollGroups).where(eq(pollGroups.inviteCode, code)) : []
  if (!group) return { joined: false, already: false, group: null }
  const [existing] = await db
    .select()
    .from(pollGroupMembers)
    .where(and(eq(pollGroupMembers.groupId, group.id), eq(pollGroupMembers.contactId, contactId)))
  const member = memberNumber(await memberSecret(db), group.id, contactId)
  if (existing && existing.leftAt === null) return { joined: true, already: true, group: group.name, member }
  await db
    .insert(pollGroupMembers)
    .values({ groupId: group.id, contactId, joinedAt: now })
    .onConflictDoUpdate({ target: [pollGroupMembers.groupId, pollGroupMembers.contactId], set: { joinedAt: now, leftAt: null } })
  return { joined: true, already: false, group: group.name, member }
}

async function requireMunicipality(db: DbOrTx, code: string): Promise<void> {
  const [found] = await db.select({ code: municipalities.code }).from(municipalities).where(eq(municipalities.code, code))
  if (!found) throw new ValidationError(`municipality ${code} does not exist`)
}
