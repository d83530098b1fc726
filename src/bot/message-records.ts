import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx, Tx } from '../db/client.js'
import { inboundMessages, media, outbox, replyReplays } from '../db/schema/index.js'
import type { HandleResult, InboundMessage } from './channel.js'
import type { Reply, Session, Translate } from './engine/types.js'
import { enqueue } from './outbox.js'
import { ReplySchema } from './reply-schema.js'

// What the runtime keeps, and forgets, of one message besides the session: its replay, its
// goodbye to a forgotten contact, and a file nothing asked for.

/**
 * The last replies to a contact that was just deleted. Inline channels answer in the request and
 * keep no row; others need an outbox row, unlinked, which the worker deletes once delivered.
 */
export async function forgottenReplies(tx: Tx, message: InboundMessage, replies: Reply[], inline: boolean, at: Date, locale: string): Promise<HandleResult> {
  if (!inline && replies.length > 0) {
    await enqueue(
      tx,
      replies.map((reply) => ({ channel: message.channel, address: message.from.channelUserId, locale, reply, kind: 'reply' as const, notBefore: at, eraseOnSend: true })),
    )
  }
  return { duplicate: false, replies }
}

/**
 * The one answer to a contact that passed its messages-per-minute limit: asked, kindly, to wait.
 * The message itself is not recorded, so a platform's retry after the minute is handled as new.
 */
export async function tellToSlowDown(tx: Tx, message: InboundMessage, locale: string, t: Translate, queue: () => void): Promise<HandleResult> {
  queue()
  const reply: Reply = { text: t(locale, 'flood.slowDown') }
  await enqueue(tx, { channel: message.channel, address: message.from.channelUserId, locale, reply, kind: 'reply' })
  return { duplicate: false, replies: [] }
}

/**
 * The replies recorded for a message handled before, so a repeated request gets the same answer:
 * an inline channel's sealed replay (while kept, and only for the sender's key), or the outbox
 * rows not yet emptied by delivery.
 */
export async function repliesOf(tx: DbOrTx, message: InboundMessage): Promise<Reply[]> {
  const sameMessage = and(eq(inboundMessages.channel, message.channel), eq(inboundMessages.externalId, message.externalId))
  if (message.replay) {
    const [replay] = await tx
      .select({ sealed: replyReplays.sealed })
      .from(replyReplays)
      .innerJoin(inboundMessages, eq(replyReplays.inboundId, inboundMessages.id))
      .where(sameMessage)
    const opened = replay ? message.replay.open(replay.sealed) : null
    return opened ? ReplySchema.array().parse(JSON.parse(opened.toString('utf8'))) : []
  }
  const rows = await tx
    .select({ body: outbox.body })
    .from(outbox)
    .innerJoin(inboundMessages, eq(outbox.inboundId, inboundMessages.id))
    .where(and(sameMessage, isNotNull(outbox.body)))
    .orderBy(asc(outbox.id))
  return rows.map((row) => ReplySchema.parse(row.body))
}

/**
 * A file the conversation did not ask for is not kept. The intake stores only what the question
 * expects, but the session may have moved on between its look and this transaction (a message
 * handled by another instance); nothing in the session or a case points at the file then.
 */
export async function dropUnexpectedMedia(tx: Tx, message: InboundMessage, session: Session): Promise<void> {
  if (message.content.kind !== 'media') return
  if (JSON.stringify(session.vars).includes(message.content.ref)) return
  const ref = z.string().uuid().safeParse(message.content.ref)
  if (!ref.success) return
  await tx.delete(media).where(and(eq(media.id, ref.data), isNull(media.caseId)))
}
