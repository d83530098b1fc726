import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.js'
import { contacts, inboundMessages, outbox, sessions } from '../db/schema/index.js'
import type { Logger } from '../log.js'
import type { ChannelKind, HandleResult, InboundMessage } from './channel.js'
import { newSession, step } from './engine/index.js'
import {
  type Effect,
  type EffectName,
  type EngineContext,
  type Input,
  type Json,
  type Reply,
  type Session,
  SessionSchema,
  type StepResult,
} from './engine/types.js'
import { ReplySchema } from './reply-schema.js'

/** What an effect handler knows of the conversation that asked for it. */
export type EffectContext = { contactId: string; channel: ChannelKind; locale: string; now: Date }

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
}

export type Runtime = { handle: (message: InboundMessage) => Promise<HandleResult> }

// An engine that asks for effect after effect without waiting for input is broken; stop it.
const MAX_EFFECTS_PER_MESSAGE = 10


/**
 * Drives the engine for inbound messages. Each message is one transaction: dedupe, lock the
 * contact's session, step, perform effects, save the session and write the replies to the outbox.
 * If anything throws, nothing of that message is kept and it can be retried.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const now = options.now ?? (() => new Date())
  // Messages of one contact handled by this process run one after another, in arrival order;
  // across processes the session row lock keeps them apart.
  const queues = new Map<string, Promise<unknown>>()

  async function runSteps(tx: Tx, session: Session, first: Input, context: EffectContext) {
    const engine: EngineContext = { ...options.engine, now: context.now }
    const replies: Reply[] = []
    let result: StepResult = step(session, first, engine)
    replies.push(...result.replies)
    for (let performed = 0; result.effects.length > 0; performed++) {
      if (performed >= MAX_EFFECTS_PER_MESSAGE) throw new Error('the engine asked for too many effects in a row')
      const [effect] = result.effects
      if (!effect) break
      const value = await options.handlers[effect.type](tx, effect, { ...context, locale: result.session.locale })
      result = step(result.session, { kind: 'effect.result', effect: effect.type, result: value }, engine)
      replies.push(...result.replies)
    }
    return { session: result.session, replies }
  }

  async function handleNow(message: InboundMessage): Promise<HandleResult> {
    return options.db.transaction(async (tx) => {
      const [inbound] = await tx
        .insert(inboundMessages)
        .values({ channel: message.channel, externalId: message.externalId, receivedAt: message.receivedAt })
        .onConflictDoNothing()
        .returning({ id: inboundMessages.id })
      if (!inbound) return { duplicate: true, replies: await repliesOf(tx, message) }

      const at = now()
      const [contact] = await tx
        .insert(contacts)
        .values({
          channel: message.channel,
          channelUserId: message.from.channelUserId,
          displayName: message.from.displayName ?? null,
          locale: pickLocale(message.from.locale, options),
        })
        .onConflictDoUpdate({ target: [contacts.channel, contacts.channelUserId], set: { lastSeenAt: at } })
        .returning({ id: contacts.id, locale: contacts.locale })
      if (!contact) throw new Error('contact upsert returned nothing')
      await tx.update(inboundMessages).set({ contactId: contact.id }).where(eq(inboundMessages.id, inbound.id))

      await tx
        .insert(sessions)
        .values({ contactId: contact.id, state: newSession(contact.locale) })
        .onConflictDoNothing()
      const [row] = await tx.select().from(sessions).where(eq(sessions.contactId, contact.id)).for('update')
      if (!row) throw new Error('session row missing after insert')
      const session = SessionSchema.parse(row.state)

      const context: EffectContext = { contactId: contact.id, channel: message.channel, locale: session.locale, now: at }
      const result = await runSteps(tx, session, message.content, context)

      await tx
        .update(sessions)
        .set({ state: result.session, version: sql`${sessions.version} + 1`, updatedAt: at })
        .where(eq(sessions.contactId, contact.id))
      if (result.session.locale !== contact.locale) {
        await tx.update(contacts).set({ locale: result.session.locale }).where(eq(contacts.id, contact.id))
      }
      if (result.replies.length > 0) {
        const inline = options.inlineChannels.has(message.channel)
        await tx.insert(outbox).values(
          result.replies.map((reply) => ({
            channel: message.channel,
            address: message.from.channelUserId,
            contactId: contact.id,
            inboundId: inbound.id,
            body: reply,
            status: inline ? ('sent' as const) : ('pending' as const),
            sentAt: inline ? at : null,
            // the worker compares with the app's clock, not the database's
            nextAttemptAt: at,
          })),
        )
      }
      options.logger.debug(
        { channel: message.channel, replies: result.replies.length, node: result.session.nodeId },
        'inbound message handled',
      )
      return { duplicate: false, replies: result.replies }
    })
  }

  return {
    handle(message) {
      const key = `${message.channel}\u0000${message.from.channelUserId}`
      const previous = queues.get(key) ?? Promise.resolve()
      const current = previous.catch(() => undefined).then(() => handleNow(message))
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

function pickLocale(reported: string | undefined, options: RuntimeOptions): string {
  const language = reported?.slice(0, 2).toLowerCase()
  return language && options.engine.locales.includes(language) ? language : options.defaultLocale
}

/** The replies recorded for a message handled before, so a repeated request gets the same answer. */
async function repliesOf(tx: Tx, message: InboundMessage): Promise<Reply[]> {
  const rows = await tx
    .select({ body: outbox.body })
    .from(outbox)
    .innerJoin(inboundMessages, eq(outbox.inboundId, inboundMessages.id))
    .where(and(eq(inboundMessages.channel, message.channel), eq(inboundMessages.externalId, message.externalId)))
    .orderBy(asc(outbox.id))
  return rows.map((row) => ReplySchema.parse(row.body))
}
