import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { type Db, type DbOrTx, directQuery, type DirectQuery, rowsOf } from '../db/client.js'
import type { InboundMessage } from './channel.js'
import type { Session } from './engine/types.js'
import { type AddParameter, enqueuePart, type OutboxMessage } from './outbox.js'

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

/** A statement's text and its parameters, written together: `add` gives each value its `$n`. */
function statement(): { params: unknown[]; add: AddParameter } {
  const params: unknown[] = []
  return { params, add: (value) => `$${params.push(value)}` }
}

/** The two statements of a turn, on the driver under `db` (see directQuery). */
export type TurnStatements = {
  /** null when the contact was made by another request this instant: the long way */
  read: (message: InboundMessage, locale: string, at: Date, fresh: Session) => Promise<TurnRead | null>
  save: (save: TurnSave) => Promise<TurnSaveOutcome>
}

export function turnStatements(db: Db): TurnStatements {
  const query = directQuery(db)
  return { read: (...args) => readTurn(query, ...args), save: (save) => saveTurn(query, save) }
}

type ReadRow = { contact_id: string; locale: string; state: unknown; version: number | null; seen: boolean }

/**
 * One statement: the contact made or touched (last seen), its session made if missing (in the
 * contact's language), read, and whether the message's id was handled before.
 */
async function readTurn(query: DirectQuery, message: InboundMessage, locale: string, at: Date, fresh: Session): Promise<TurnRead | null> {
  const { params, add } = statement()
  const channel = add(message.channel)
  const userId = add(message.from.channelUserId)
  const seenAt = add(at.toISOString())
  // Last seen is touched at most once a minute, so most reads write nothing (no WAL, no flush):
  // nothing reads it finer (retention counts days; WhatsApp's window reopens on its own).
  const text = `with touched as (
      insert into contacts (channel, channel_user_id, display_name, locale, last_seen_at)
      values (${channel}, ${userId}, ${add(message.from.displayName ?? null)}, ${add(locale)}, ${seenAt}::timestamptz)
      on conflict (channel, channel_user_id) do update set last_seen_at = ${seenAt}::timestamptz
        where contacts.last_seen_at < ${seenAt}::timestamptz - interval '1 minute'
      returning id, locale
    ), contact as (
      select id, locale from touched
      union all
      select id, locale from contacts where channel = ${channel} and channel_user_id = ${userId} and not exists (select 1 from touched)
    ), made as (
      insert into sessions (contact_id, state)
      select id, jsonb_set(${add(JSON.stringify(fresh))}::jsonb, '{locale}', to_jsonb(locale)) from contact
      on conflict (contact_id) do nothing
      returning state, version
    )
    select contact.id as contact_id, contact.locale, coalesce(made.state, kept.state) as state,
      coalesce(made.version, kept.version) as version,
      exists (select 1 from inbound_messages where channel = ${channel} and external_id = ${add(message.externalId)}) as seen
    from contact left join made on true left join sessions kept on kept.contact_id = contact.id`
  const [row] = (await query(text, params)) as ReadRow[]
  // a contact made by another request since this statement's snapshot, not touched: the long way
  if (!row) return null
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
async function saveTurn(query: DirectQuery, save: TurnSave): Promise<TurnSaveOutcome> {
  const inboundId = randomUUID()
  const { message } = save
  const { params, add } = statement()
  const at = add(save.at.toISOString())
  const parts = [
    `saved as (
      update sessions set state = ${add(JSON.stringify(save.session))}::jsonb, version = version + 1, updated_at = ${at}::timestamptz
      where contact_id = ${add(save.contactId)}::uuid and version = ${add(save.version)}
      returning contact_id)`,
    `inbound as (
      insert into inbound_messages (id, channel, external_id, contact_id, received_at)
      select ${add(inboundId)}::uuid, ${add(message.channel)}, ${add(message.externalId)}, ${add(save.inline ? null : save.contactId)}::uuid,
        ${add(message.receivedAt.toISOString())}::timestamptz from saved
      returning id)`,
  ]
  // the contact: its language when it changed, and last seen when a minute old (a turn stepped
  // from memory has not read, nor touched, the contact); written only when either is due
  const locale = add(save.locale ?? null)
  parts.push(`contact as (
      update contacts set locale = coalesce(${locale}::text, locale),
        last_seen_at = case when last_seen_at < ${at}::timestamptz - interval '1 minute' then ${at}::timestamptz else last_seen_at end
      where id = ${add(save.contactId)}::uuid and exists (select 1 from inbound)
        and (locale <> coalesce(${locale}::text, locale) or last_seen_at < ${at}::timestamptz - interval '1 minute'))`)
  if (save.sealedReplay) {
    parts.push(`replay as (insert into reply_replays (inbound_id, sealed, created_at) select id, ${add(save.sealedReplay)}, ${at}::timestamptz from inbound)`)
  }
  const queued = enqueuePart('queued', save.queued.map((queuedMessage) => ({ ...queuedMessage, inboundId })), 'exists (select 1 from inbound)', add)
  if (queued) parts.push(queued)
  try {
    const [row] = (await query(`with ${parts.join(', ')} select count(*)::int as saved from inbound`, params)) as { saved: number | string }[]
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

/** What the long way's first statement found: null when the message was handled before. */
export type TurnClaim = { inboundId: string; contactId: string; contactLocale: string; state: unknown }

type ClaimRow = { inbound_id: string | null; contact_id: string; locale: string; state: unknown }

/**
 * The long way's first statement, inside its transaction: the contact made or touched, the
 * message claimed (its inbound row, linked to the contact unless the channel is inline), and the
 * session made if missing and locked (a no-op update locks as FOR UPDATE does) and read. A
 * message seen before claims nothing and touches no contact, so a forgotten contact's old
 * message does not bring it back; one taken by another request this instant claims nothing
 * either (its insert waits for that request, then does nothing). Null in both cases.
 */
export async function claimTurn(tx: DbOrTx, message: InboundMessage, options: { locale: string; at: Date; fresh: Session; inline: boolean }): Promise<TurnClaim | null> {
  const at = sql`${options.at.toISOString()}::timestamptz`
  const external = sql`${message.channel} and external_id = ${message.externalId}`
  const rows = (await rowsOf(tx, sql`with contact as (
      insert into contacts (channel, channel_user_id, display_name, locale, last_seen_at)
      select ${message.channel}, ${message.from.channelUserId}, ${message.from.displayName ?? null}, ${options.locale}, ${at}
      where not exists (select 1 from inbound_messages where channel = ${external})
      on conflict (channel, channel_user_id) do update set last_seen_at = ${at}
      returning id, locale
    ), inbound as (
      insert into inbound_messages (channel, external_id, contact_id, received_at)
      select ${message.channel}, ${message.externalId}, ${options.inline ? sql`null::uuid` : sql`id`}, ${message.receivedAt.toISOString()}::timestamptz from contact
      on conflict do nothing
      returning id
    ), locked as (
      insert into sessions (contact_id, state)
      select id, jsonb_set(${JSON.stringify(options.fresh)}::jsonb, '{locale}', to_jsonb(locale)) from contact where exists (select 1 from inbound)
      on conflict (contact_id) do update set version = sessions.version
      returning state
    )
    select (select id from inbound) as inbound_id, contact.id as contact_id, contact.locale, (select state from locked) as state from contact`)) as ClaimRow[]
  const [row] = rows
  if (!row || row.inbound_id === null) return null
  // PGlite and postgres.js both parse jsonb; a driver handing back text is parsed here
  return { inboundId: row.inbound_id, contactId: row.contact_id, contactLocale: row.locale, state: typeof row.state === 'string' ? JSON.parse(row.state) : row.state }
}
