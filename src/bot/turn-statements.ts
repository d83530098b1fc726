import { randomUUID } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import type { InboundMessage } from './channel.js'
import type { Session } from './engine/types.js'
import { enqueuePart, type OutboxMessage } from './outbox.js'

// The two statements of a turn without effects (most messages: an answer to a question): one
// reads, one saves. Neither runs in a transaction of its own; the save is one statement, so its
// session update, inbound record and replies commit together or not at all, and it saves only
// over the version the read saw. A turn that asks for effects, or finds the session changed,
// goes the long way (the runtime's transaction with the session locked).

/** What the read found: the contact (made if missing), its session (made if missing) and whether this message was seen. */
export type TurnRead = {
  contactId: string
  contactLocale: string
  /** the stored session, not yet checked; null when another request made it at the same instant */
  state: unknown
  version: number | null
  seen: boolean
}

/** The rows of a driver's answer to `execute`: postgres.js gives an array, PGlite an object with rows. */
export function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result
  const rows = (result as { rows?: unknown } | null)?.rows
  return Array.isArray(rows) ? rows : []
}

type ReadRow = { contact_id: string; locale: string; state: unknown; version: number | null; seen: boolean }

/**
 * One statement: the contact made or touched (last seen), its session made if missing (in the
 * contact's language), read, and whether the message's id was handled before.
 */
export async function readTurn(db: DbOrTx, message: InboundMessage, locale: string, at: Date, fresh: Session): Promise<TurnRead> {
  const result = await db.execute(sql`with contact as (
      insert into contacts (channel, channel_user_id, display_name, locale)
      values (${message.channel}, ${message.from.channelUserId}, ${message.from.displayName ?? null}, ${locale})
      on conflict (channel, channel_user_id) do update set last_seen_at = ${at.toISOString()}::timestamptz
      returning id, locale
    ), made as (
      insert into sessions (contact_id, state)
      select id, jsonb_set(${JSON.stringify(fresh)}::jsonb, '{locale}', to_jsonb(locale)) from contact
      on conflict (contact_id) do nothing
      returning state, version
    )
    select contact.id as contact_id, contact.locale, coalesce(made.state, kept.state) as state,
      coalesce(made.version, kept.version) as version,
      exists (select 1 from inbound_messages where channel = ${message.channel} and external_id = ${message.externalId}) as seen
    from contact left join made on true left join sessions kept on kept.contact_id = contact.id`)
  const [row] = rowsOf(result) as ReadRow[]
  if (!row) throw new Error('the contact upsert returned nothing')
  return {
    contactId: row.contact_id,
    contactLocale: row.locale,
    // PGlite and postgres.js both parse jsonb; a driver handing back text is parsed here
    state: typeof row.state === 'string' ? JSON.parse(row.state) : row.state,
    version: row.version === null ? null : Number(row.version),
    seen: row.seen,
  }
}

export type TurnSave = {
  message: InboundMessage
  contactId: string
  /** the version the read saw: the save applies only over it */
  version: number
  session: Session
  at: Date
  /** the contact's language changes with the session's */
  locale?: string
  /** an inline channel's replay, sealed; its inbound row is not linked to the contact */
  sealedReplay?: Buffer
  inline: boolean
  /** the replies for the outbox (not inline channels), without their inbound id (given here) */
  queued: readonly Omit<OutboxMessage, 'inboundId'>[]
}

/**
 * 'saved'; 'changed': the session moved on since the read (another instance, a forget), nothing
 * written; 'seen': the message was handled meanwhile (its id is taken), nothing written.
 */
export type TurnSaveOutcome = 'saved' | 'changed' | 'seen'

/**
 * One statement: the session saved over the version read, the inbound message recorded (a plain
 * insert: a message handled meanwhile fails the whole statement on its unique id, undoing the
 * save), the contact's language, and the replies: sealed for a replay or queued for delivery.
 */
export async function saveTurn(db: DbOrTx, save: TurnSave): Promise<TurnSaveOutcome> {
  const inboundId = randomUUID()
  const { message, at } = save
  const parts: SQL[] = [
    sql`saved as (
      update sessions set state = ${JSON.stringify(save.session)}::jsonb, version = version + 1, updated_at = ${at.toISOString()}::timestamptz
      where contact_id = ${save.contactId}::uuid and version = ${save.version}
      returning contact_id)`,
    sql`inbound as (
      insert into inbound_messages (id, channel, external_id, contact_id, received_at)
      select ${inboundId}::uuid, ${message.channel}, ${message.externalId}, ${save.inline ? null : save.contactId}::uuid,
        ${message.receivedAt.toISOString()}::timestamptz from saved
      returning id)`,
  ]
  if (save.locale !== undefined) {
    parts.push(sql`language as (update contacts set locale = ${save.locale} where id = ${save.contactId}::uuid and exists (select 1 from inbound))`)
  }
  if (save.sealedReplay) {
    parts.push(sql`replay as (insert into reply_replays (inbound_id, sealed, created_at) select id, ${save.sealedReplay}, ${at.toISOString()}::timestamptz from inbound)`)
  }
  const queued = enqueuePart('queued', save.queued.map((queuedMessage) => ({ ...queuedMessage, inboundId })), sql`exists (select 1 from inbound)`)
  if (queued) parts.push(queued)
  try {
    const result = await db.execute(sql`with ${sql.join(parts, sql`, `)} select count(*)::int as saved from inbound`)
    const [row] = rowsOf(result) as { saved: number | string }[]
    return Number(row?.saved ?? 0) === 1 ? 'saved' : 'changed'
  } catch (error) {
    if (isInboundTaken(error)) return 'seen'
    throw error
  }
}

/** The unique violation of the inbound message's (channel, external id), through drizzle's wrapper. */
function isInboundTaken(error: unknown): boolean {
  let cause: unknown = error
  // drizzle wraps the driver's error once; a few levels are enough
  for (let depth = 0; depth < 4 && typeof cause === 'object' && cause !== null; depth++) {
    const fields = cause as { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown }
    // postgres.js names the constraint `constraint_name`, PGlite `constraint`
    if (fields.code === '23505') return fields.constraint_name === 'inbound_channel_external_uq' || fields.constraint === 'inbound_channel_external_uq'
    cause = fields.cause
  }
  return false
}
