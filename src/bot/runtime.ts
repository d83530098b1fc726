import { and, eq, sql } from 'drizzle-orm'
import type { Db, DbOrTx, Tx } from '../db/client.js'
import { contacts, replyReplays, sessions } from '../db/schema/index.js'
import type { Logger } from '../log.js'
import { z } from 'zod'
import { CHANNEL_KINDS, type ChannelKind, type HandleResult, type InboundIntake, type InboundMessage } from './channel.js'
import { createInboundIntake } from './channels/inbound-intake.js'
import { acceptsMedia } from './engine/accepts-media.js'
import { isExpired } from './engine/expiry.js'
import { begin, newSession, recover, step } from './engine/index.js'
import {
  type Effect,
  type EffectName,
  type EngineContext,
  type Flow,
  type Input,
  type Json,
  type Reply,
  type Session,
  SessionSchema,
  type StepResult,
} from './engine/types.js'
import { createFloodGuard } from './channels/webchat/flood-guard.js'
import { dropUnexpectedMedia, forgottenReplies, repliesOf, tellToSlowDown } from './message-records.js'
import { enqueue } from './outbox.js'
import { claimTurn, turnStatements } from './turn-statements.js'
import { type CachedTurn, createSessionCache } from './session-cache.js'

/** What an effect handler knows of the conversation that asked for it. */
export type EffectContext = {
  contactId: string
  channel: ChannelKind
  locale: string
  now: Date
  /** the message came from a screen strangers share (a kiosk) */
  sharedScreen?: boolean
  /** a keyed hash of the sender's network address, when the channel knows it (per-client limits) */
  clientKey?: string
}

export type EffectHandler = (tx: Tx, effect: Effect, context: EffectContext) => Promise<Json>
/** One handler per effect the engine can ask for; main.ts supplies them. */
export type EffectHandlers = Record<EffectName, EffectHandler>

export type RuntimeOptions = {
  db: Db
  engine: Omit<EngineContext, 'now'>
  handlers: EffectHandlers
  /** channels whose replies go back in the same request instead of through the outbox */
  inlineChannels: ReadonlySet<ChannelKind>
  defaultLocale: string
  logger: Logger
  now?: () => Date
  /**
   * Finds flows that are data rather than code (a poll's, `poll:<id>`), in the contact's language,
   * for the flows a step may touch; they join `engine.flows` for that step only.
   */
  resolveFlows?: (tx: DbOrTx, flowIds: readonly string[], locale: string) => Promise<Record<string, Flow>>
  /**
   * Readies a message before its transaction (places a location; fetches, cleans and stores a
   * file when the question expects one); by default with the default media limit.
   */
  intake?: InboundIntake
  /** called after a transaction that queued outbox rows committed (wakes the outbox worker) */
  onQueued?: () => void
  /**
   * Messages one contact of a channel answered through the outbox (not the web chat, whose route
   * limits its own) may send per minute before the rest are dropped, the sender told once; 60.
   */
  perContactPerMinute?: number
  /** how many contacts' last saved sessions this process keeps in memory to step without reading (5,000; 0 keeps none) */
  recentSessions?: number
}

/** 'busy': the contact is mid-conversation (try again later); 'gone': no such contact or channel. */
export type StartFlowOutcome = 'started' | 'busy' | 'gone'

export type Runtime = {
  handle: (message: InboundMessage) => Promise<HandleResult>
  /**
   * Opens a flow for a contact who did not write (a follow-up question, a poll), in its own
   * transaction or as a savepoint of `tx`; replies go to the outbox.
   */
  startFlow: (contactId: string, flowId: string, vars: Record<string, Json>, tx?: Tx) => Promise<StartFlowOutcome>
}

const ChannelKindSchema = z.enum(CHANNEL_KINDS)

// An engine that asks for effect after effect without waiting for input is broken; stop it.
const MAX_EFFECTS_PER_MESSAGE = 10
// A person answering questions, or sending an album of photos, stays far below this.
const DEFAULT_PER_CONTACT_PER_MINUTE = 60
// Contacts mid-conversation whose session stays in memory between messages: a few MB at most.
const DEFAULT_RECENT_SESSIONS = 5_000

/** Stepping a message threw (an effect, the engine): its transaction is undone and it is handled as a failure. */
class StepFailed extends Error {
  constructor(cause: unknown) {
    super('stepping the message failed', { cause })
    this.name = 'StepFailed'
  }
}

const contactKeyOf = (message: InboundMessage) => `${message.channel}\u0000${message.from.channelUserId}`


/**
 * Drives the engine for inbound messages. A message whose step asks for no effect is one save
 * (handleQuickly: the session, the inbound record and the replies in one statement, over the
 * version stepped from), after a read unless this process kept the session. Any other is one
 * transaction (handleNow): dedupe, lock the contact's session, step, perform effects, save the
 * session and write the replies. If anything throws, nothing of that message is kept and it can
 * be retried.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const now = options.now ?? (() => new Date())
  // Messages of one contact handled by this process run one after another, in arrival order;
  // across processes the session's version (and, the long way, its row lock) keeps them apart.
  const queues = new Map<string, Promise<unknown>>()
  const turn = turnStatements(options.db)
  // the sessions this process saved last, stepped again without reading them (checked at the save)
  const recent = createSessionCache(options.recentSessions ?? DEFAULT_RECENT_SESSIONS, options.engine.sessionTtlMinutes * 60_000, () => now().getTime())
  const intake = options.intake ?? createInboundIntake({ db: options.db, logger: options.logger })
  // Shed before the queue and the database, so one sender's flood costs the others nothing.
  const flood = createFloodGuard({ max: options.perContactPerMinute ?? DEFAULT_PER_CONTACT_PER_MINUTE, windowMs: 60_000 })

  /**
   * Whether the contact's conversation waits for a file now. Asked before the transaction, so a
   * download never holds the session lock (nor, on PGlite, the whole database); the transaction
   * still drops a file the session moved past meanwhile (another instance, a race).
   */
  async function expectsMedia(message: InboundMessage): Promise<boolean> {
    const [row] = await options.db
      .select({ state: sessions.state })
      .from(sessions)
      .innerJoin(contacts, eq(sessions.contactId, contacts.id))
      .where(and(eq(contacts.channel, message.channel), eq(contacts.channelUserId, message.from.channelUserId)))
    const session = SessionSchema.safeParse(row?.state)
    if (!session.success || session.data.waiting !== 'input' || session.data.flowId === null || session.data.nodeId === null) return false
    if (isExpired(session.data, { ...options.engine, now: now() })) return false
    const node = options.engine.flows[session.data.flowId]?.nodes[session.data.nodeId]
    return node?.kind === 'ask' && message.content.kind === 'media' && acceptsMedia(node.input, message.content.media)
  }

  /** The message with its content readied by the intake, the file fetched only when expected. */
  async function readied(message: InboundMessage): Promise<InboundMessage> {
    const media = message.content.kind === 'media' && message.media !== undefined && (await expectsMedia(message))
    return { ...message, content: await intake(message, { media }) }
  }

  /** The engine's world for one step, with the data-made flows (a poll) the session is in or enters. */
  async function engineFor(tx: DbOrTx, at: Date, session: Session, facts: Record<string, Json>, entering?: string): Promise<EngineContext> {
    const wanted = [session.flowId, entering].filter(
      (id): id is string => typeof id === 'string' && !Object.hasOwn(options.engine.flows, id),
    )
    const found = wanted.length > 0 && options.resolveFlows ? await options.resolveFlows(tx, wanted, session.locale) : {}
    return { ...options.engine, flows: { ...options.engine.flows, ...found }, now: at, facts }
  }

  /** Performs the effects a step asked for, feeding each result back, until the engine waits. */
  async function performEffects(tx: Tx, first: StepResult, initial: EngineContext, context: EffectContext) {
    const replies: Reply[] = []
    let engine = initial
    let result = first
    replies.push(...result.replies)
    for (let performed = 0; result.effects.length > 0; performed++) {
      if (performed >= MAX_EFFECTS_PER_MESSAGE) throw new Error('the engine asked for too many effects in a row')
      const [effect] = result.effects
      if (!effect) break
      // start-up checked every flow's effects against the handlers (validateEffects); a data-made flow may still name another
      const handler = options.handlers[effect.type]
      if (!handler) throw new Error(`no handler for effect "${effect.type}"`)
      const value = await handler(tx, effect, { ...context, locale: result.session.locale })
      engine = await withNamedFlow(tx, engine, value, result.session.locale)
      result = step(result.session, { kind: 'effect.result', effect: effect.type, result: value }, engine)
      replies.push(...result.replies)
    }
    return { session: result.session, replies }
  }

  /**
   * An effect may name a flow for the conversation to enter (`{ flow: 'poll:…' }`, read by an
   * `enter` node); one that is data rather than code is found before the engine steps into it.
   */
  async function withNamedFlow(tx: Tx, engine: EngineContext, value: Json, locale: string): Promise<EngineContext> {
    const named = value !== null && typeof value === 'object' && !Array.isArray(value) ? value['flow'] : undefined
    if (typeof named !== 'string' || Object.hasOwn(engine.flows, named) || !options.resolveFlows) return engine
    return { ...engine, flows: { ...engine.flows, ...(await options.resolveFlows(tx, [named], locale)) } }
  }

  /**
   * Steps and performs the effects asked for, in the message's transaction. Whatever throws on the
   * way (an effect, the engine) is handed out as a StepFailed, so the transaction is rolled back
   * whole and the message handled again as a failure (handleNow): the engine's failure exit.
   */
  async function stepWithEffects(tx: Tx, session: Session, input: Input, context: EffectContext) {
    try {
      const engine = await engineFor(tx, context.now, session, { channel: context.channel, sharedScreen: context.sharedScreen === true })
      const first = step(session, input, engine)
      if (first.effects.length === 0) return { session: first.session, replies: first.replies, acted: false }
      return { ...(await performEffects(tx, first, engine, context)), acted: true }
    } catch (error) {
      throw new StepFailed(error)
    }
  }

  /**
   * The citizen stays where they were, told kindly to send it again; the answer counts as
   * activity, so the question does not expire under them.
   */
  async function recovered(tx: Tx, session: Session, context: EffectContext) {
    const engine = await engineFor(tx, context.now, session, { channel: context.channel, sharedScreen: context.sharedScreen === true })
    return { ...recover({ ...session, lastActivityAt: context.now.toISOString() }, engine), acted: false }
  }

  /**
   * A turn without a transaction (turn-statements.ts): read unless kept, step, save over the
   * version stepped from. Null when the turn must go the long way (handleNow): a file, a step that
   * asks for effects, a session that is new this instant or changed before the save.
   */
  async function handleQuickly(message: InboundMessage, queue: () => void): Promise<HandleResult | null> {
    if (message.content.kind === 'media') return null
    const key = contactKeyOf(message)
    const cached = recent.get(key)
    if (cached) {
      // stepped from what this process saved last: one statement, the save, if nothing changed since
      const outcome = await quickTurn(message, key, cached, queue)
      if (outcome !== 'changed') return outcome
      recent.delete(key)
    }
    const at = now()
    const read = await turn.read(message, pickLocale(message.from.locale, options), at, newSession(options.defaultLocale))
    if (!read) return null
    if (read.seen) return { duplicate: true, replies: await repliesOf(options.db, message) }
    const parsed = SessionSchema.safeParse(read.state)
    if (!parsed.success || read.version === null) return null
    const outcome = await quickTurn(message, key, { contactId: read.contactId, contactLocale: read.contactLocale, session: parsed.data, version: read.version }, queue)
    return outcome === 'changed' ? null : outcome
  }

  /**
   * Steps `from` and saves over its version: the result, null for the long way (effects, or a
   * step that threw), or 'changed' when the session moved on since `from` (nothing written).
   */
  async function quickTurn(message: InboundMessage, key: string, from: CachedTurn, queue: () => void): Promise<HandleResult | null | 'changed'> {
    const at = now()
    const { session } = from
    const sharedScreen = message.sharedScreen === true
    let result: StepResult
    try {
      result = step(session, message.content, await engineFor(options.db, at, session, { channel: message.channel, sharedScreen }))
    } catch {
      // the long way steps again and recovers kindly from what threw
      return null
    }
    if (result.effects.length > 0) return null
    const inline = options.inlineChannels.has(message.channel)
    const { replies } = result
    const outcome = await turn.save({
      message,
      contactId: from.contactId,
      version: from.version,
      session: result.session,
      at,
      ...(result.session.locale !== from.contactLocale ? { locale: result.session.locale } : {}),
      // answered in the request: kept only sealed for a retry, and only for minutes (trail purge)
      ...(inline && replies.length > 0 && message.replay ? { sealedReplay: message.replay.seal(Buffer.from(JSON.stringify(replies))) } : {}),
      inline,
      queued: inline
        ? []
        : replies.map((reply) => ({
            channel: message.channel,
            address: message.from.channelUserId,
            contactId: from.contactId,
            locale: result.session.locale,
            reply,
            kind: 'reply' as const,
            // the worker compares with the app's clock, not the database's
            notBefore: at,
          })),
    })
    if (outcome === 'changed') return 'changed'
    if (outcome === 'seen') return { duplicate: true, replies: await repliesOf(options.db, message) }
    recent.set(key, { contactId: from.contactId, contactLocale: result.session.locale, session: result.session, version: from.version + 1 })
    if (!inline && replies.length > 0) queue()
    options.logger.debug({ channel: message.channel, replies: replies.length, node: result.session.nodeId }, 'inbound message handled')
    return { duplicate: false, replies, locale: result.session.locale }
  }

  /**
   * The long way: one transaction with the session locked, the effects performed in it. If
   * stepping throws, everything this message did is undone and it is handled again in a
   * transaction of its own as a failure (`recovered`); the error is logged as its class and code
   * only (the logger's serializer).
   */
  async function handleNow(message: InboundMessage, queue: () => void): Promise<HandleResult> {
    // the long way saves a newer version (or forgets the contact): what this process kept is stale
    recent.delete(contactKeyOf(message))
    try {
      return await handleInTransaction(message, queue, stepWithEffects)
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error
      options.logger.error({ err: error.cause, channel: message.channel }, 'an effect failed; the citizen was asked to send again')
      return handleInTransaction(message, queue, (tx, session, _input, context) => recovered(tx, session, context))
    }
  }

  type Stepper = (tx: Tx, session: Session, input: Input, context: EffectContext) => Promise<{ session: Session; replies: Reply[]; acted: boolean }>

  async function handleInTransaction(message: InboundMessage, queue: () => void, stepper: Stepper): Promise<HandleResult> {
    return options.db.transaction(async (tx) => {
      const inline = options.inlineChannels.has(message.channel)
      const at = now()
      // one statement: the contact, the message claimed, the session locked and read
      const claim = await claimTurn(tx, message, { locale: pickLocale(message.from.locale, options), at, fresh: newSession(options.defaultLocale), inline })
      if (!claim) return { duplicate: true, replies: await repliesOf(tx, message) }
      const inbound = { id: claim.inboundId }
      const contact = { id: claim.contactId, locale: claim.contactLocale }
      const session = SessionSchema.parse(claim.state)

      const context: EffectContext = {
        contactId: contact.id,
        channel: message.channel,
        locale: session.locale,
        now: at,
        sharedScreen: message.sharedScreen === true,
        clientKey: message.clientKey,
      }
      const result = await stepper(tx, session, message.content, context)
      await dropUnexpectedMedia(tx, message, result.session)
      // "borrar mis datos" deleted the contact: keep nothing more of it, not even this exchange.
      // Only an effect deletes, so a step without one needs no look. On an inline channel the look
      // goes out with the writes (one round trip), each of which does nothing once the contact is
      // gone: its session and language went with it, and the replay is written only while it is there.
      const look = result.acted ? tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contact.id)).then((rows) => rows.length > 0) : Promise.resolve(true)
      const forgotten = () => forgottenReplies(tx, message, result.replies, inline, at, result.session.locale)
      if (!inline && !(await look)) {
        queue()
        return forgotten()
      }

      const writes: Promise<unknown>[] = [
        look,
        tx
          .update(sessions)
          .set({ state: result.session, version: sql`${sessions.version} + 1`, updatedAt: at })
          .where(eq(sessions.contactId, contact.id))
          .execute(),
      ]
      if (result.session.locale !== contact.locale) {
        writes.push(tx.update(contacts).set({ locale: result.session.locale }).where(eq(contacts.id, contact.id)).execute())
      }
      if (result.replies.length > 0 && inline) {
        // Answered in the request: kept only sealed for a retry, and only for minutes (trail purge).
        if (message.replay) {
          const sealed = message.replay.seal(Buffer.from(JSON.stringify(result.replies)))
          writes.push(tx.execute(sql`insert into ${replyReplays} (inbound_id, sealed, created_at)
            select ${inbound.id}::uuid, ${sealed}::bytea, ${at.toISOString()}::timestamptz where exists (select 1 from ${contacts} where id = ${contact.id}::uuid)`))
        }
      } else if (result.replies.length > 0) {
        queue()
        writes.push(enqueue(
          tx,
          result.replies.map((reply) => ({
            channel: message.channel,
            address: message.from.channelUserId,
            contactId: contact.id,
            inboundId: inbound.id,
            locale: result.session.locale,
            reply,
            kind: 'reply' as const,
            // the worker compares with the app's clock, not the database's
            notBefore: at,
          })),
        ))
      }
      const [kept] = await Promise.all(writes)
      if (kept === false) return forgotten()
      options.logger.debug(
        { channel: message.channel, replies: result.replies.length, node: result.session.nodeId },
        'inbound message handled',
      )
      return { duplicate: false, replies: result.replies, locale: result.session.locale }
    })
  }

  async function startFlowIn(tx: Tx, contactId: string, flowId: string, vars: Record<string, Json>, queue: () => void): Promise<StartFlowOutcome> {
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, contactId))
    const channel = ChannelKindSchema.safeParse(contact?.channel)
    if (!contact || !channel.success) return 'gone'
    await tx.insert(sessions).values({ contactId, state: newSession(contact.locale) }).onConflictDoNothing()
    // A session locked by a message being handled right now is busy by definition.
    const [row] = await tx.select().from(sessions).where(eq(sessions.contactId, contactId)).for('update', { skipLocked: true })
    if (!row) return 'busy'
    const session = SessionSchema.parse(row.state)
    const at = now()
    const engine = await engineFor(tx, at, session, { channel: channel.data, sharedScreen: false }, flowId)
    if (isBusy(session, flowId, engine)) return 'busy'
    const context: EffectContext = { contactId, channel: channel.data, locale: session.locale, now: at }
    const result = await performEffects(tx, begin(session, flowId, engine, vars), engine, context)
    await tx
      .update(sessions)
      .set({ state: result.session, version: sql`${sessions.version} + 1`, updatedAt: at })
      .where(eq(sessions.contactId, contactId))
    if (result.replies.length > 0) {
      queue()
      await enqueue(
        tx,
        result.replies.map((reply) => ({ channel: channel.data, address: contact.channelUserId, contactId, locale: result.session.locale, reply, kind: 'flow' as const, notBefore: at })),
      )
    }
    return 'started'
  }

  /** Runs `work`, then wakes the outbox if it queued rows and they are committed (no caller's `outer` transaction). */
  async function queueing<T>(work: (queue: () => void) => Promise<T>, outer?: Tx): Promise<T> {
    let queued = false
    const result = await work(() => {
      queued = true
    })
    if (queued && !outer) options.onQueued?.()
    return result
  }

  return {
    startFlow: (contactId, flowId, vars, tx) =>
      queueing((queue) => (tx ?? options.db).transaction((inner) => startFlowIn(inner, contactId, flowId, vars, queue)), tx),
    handle(message) {
      const key = contactKeyOf(message)
      const verdict = options.inlineChannels.has(message.channel) ? 'ok' : flood.hit(key, now().getTime())
      // past the limit the message is dropped; the first one dropped tells the sender, after the replies before it
      if (verdict === 'again') return Promise.resolve({ duplicate: false, replies: [] })
      const previous = queues.get(key) ?? Promise.resolve()
      const current = previous.catch(() => undefined).then(async () => {
        if (verdict === 'first') {
          options.logger.warn({ channel: message.channel }, 'a contact is sending too fast; messages dropped for a minute')
          return queueing((queue) => options.db.transaction((tx) => tellToSlowDown(tx, message, pickLocale(message.from.locale, options), options.engine.t, queue)))
        }
        const readiedMessage = await readied(message)
        return queueing(async (queue) => (await handleQuickly(readiedMessage, queue)) ?? handleNow(readiedMessage, queue))
      })
      queues.set(key, current)
      void current
        .catch(() => undefined)
        .finally(() => {
          if (queues.get(key) === current) queues.delete(key)
        })
      return current
    },
  }
}

/**
 * Whether opening `flowId` now would cut into a conversation. Waiting at the main menu is not one,
 * nor a stale one. A flow the contact did not start (a poll, `optOut`) gives way at once to itself
 * opened again (its reminder), and to another after the usual session time: it waits days for
 * its answer, but nobody is in the middle of it.
 */
function isBusy(session: Session, flowId: string, engine: EngineContext): boolean {
  if (session.flowId === null || session.flowId === engine.vocabulary.menuFlow) return false
  if (isExpired(session, engine)) return false
  if (engine.flows[session.flowId]?.optOut !== true) return true
  if (session.flowId === flowId) return false
  // without the flow, expiry falls back to the usual session time
  return !isExpired(session, { ...engine, flows: {} })
}

function pickLocale(reported: string | undefined, options: RuntimeOptions): string {
  const language = reported?.slice(0, 2).toLowerCase()
  return language && options.engine.locales.includes(language) ? language : options.defaultLocale
}
