import { desc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { polls, type PollStatus } from '../db/schema/index.js'
import { DomainError, NotFoundError } from '../domain-errors.js'
import { checkPollDefinition } from './check-audience.js'
import { PollDefinitionSchema, type PollDefinition } from './poll-definition.js'

/** A stored poll: its definition (parsed again on the way out) and where it stands. */
export type Poll = {
  id: string
  definition: PollDefinition
  status: PollStatus
  openedAt: Date | null
  closedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

type PollRow = typeof polls.$inferSelect

/** Reads a row back; the definition is JSON from the database, so it goes through zod again. */
export function pollFromRow(row: PollRow): Poll {
  return {
    id: row.id,
    definition: PollDefinitionSchema.parse(row.definition),
    status: row.status,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

function columnsOf(definition: PollDefinition) {
  return {
    definition,
    resultsVisibility: definition.resultsVisibility,
    opensAt: definition.opensAt,
    closesAt: definition.closesAt,
    remindAt: definition.remindAt ?? null,
  }
}

/** Stores a new poll; it opens by itself at `opensAt`. ValidationError for an audience or window that cannot be. */
export async function createPoll(db: DbOrTx, definition: PollDefinition, now: Date): Promise<Poll> {
  await checkPollDefinition(db, definition, now)
  const [row] = await db.insert(polls).values({ ...columnsOf(definition), createdAt: now, updatedAt: now }).returning()
  if (!row) throw new Error('poll insert returned nothing')
  return pollFromRow(row)
}

/** The poll with this id, or NotFoundError. */
export async function getPoll(db: DbOrTx, id: string): Promise<Poll> {
  const [row] = await db.select().from(polls).where(eq(polls.id, id))
  if (!row) throw new NotFoundError('poll', id)
  return pollFromRow(row)
}

/** Every poll, newest first. */
export async function listPolls(db: DbOrTx): Promise<Poll[]> {
  const rows = await db.select().from(polls).orderBy(desc(polls.createdAt))
  return rows.map(pollFromRow)
}

/** Replaces a poll's definition; only before it opens, since answers must keep their meaning. */
export async function replacePoll(db: DbOrTx, id: string, definition: PollDefinition, now: Date): Promise<Poll> {
  const poll = await getPoll(db, id)
  if (poll.status !== 'scheduled') throw new DomainError(`poll ${id} is ${poll.status}: only a scheduled poll can be changed`)
  await checkPollDefinition(db, definition, now)
  const [row] = await db.update(polls).set({ ...columnsOf(definition), updatedAt: now }).where(eq(polls.id, id)).returning()
  if (!row) throw new NotFoundError('poll', id)
  return pollFromRow(row)
}

/** Closes a poll now (its results then go out as if it had reached `closesAt`). */
export async function closePollNow(db: DbOrTx, id: string, now: Date): Promise<Poll> {
  const poll = await getPoll(db, id)
  if (poll.status === 'closed') return poll
  const [row] = await db.update(polls).set({ status: 'closed', closedAt: now, updatedAt: now }).where(eq(polls.id, id)).returning()
  if (!row) throw new NotFoundError('poll', id)
  return pollFromRow(row)
}
