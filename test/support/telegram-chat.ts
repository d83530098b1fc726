import { and, eq, ne } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { inboundMessages, outbox } from '../../src/db/schema/index.js'
import { FAKE_BOT, type FakeBotApi, type SentMessage } from './fake-bot-api.js'

type Json = Record<string, unknown>

/**
 * A citizen on Telegram, talking to the bot through the fake Bot API: each action queues an
 * update, then waits until the app has handled it and delivered every reply, and returns the
 * messages that came back.
 */
export function telegramChat(deps: { fake: FakeBotApi; db: Db }, chatId: number, user: { first_name?: string; language_code?: string } = {}) {
  const { fake, db } = deps
  const from = { id: chatId, is_bot: false, first_name: user.first_name ?? 'Ana', language_code: user.language_code ?? 'es' }
  let messageId = 1
  let seen = 0

  /** Waits until the update was handled and nothing for this chat is left in the outbox. */
  async function settled(update: Json): Promise<SentMessage[]> {
    const externalId = `${FAKE_BOT.id}:${String(update['update_id'])}`
    for (;;) {
      const [handled] = await db.select({ id: inboundMessages.id }).from(inboundMessages).where(and(eq(inboundMessages.channel, 'telegram'), eq(inboundMessages.externalId, externalId)))
      const [waiting] = handled
        ? await db.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.channel, 'telegram'), eq(outbox.address, String(chatId)), ne(outbox.status, 'sent')))
        : [undefined]
      if (handled && !waiting) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const all = fake.to(chatId)
    const replies = all.slice(seen)
    seen = all.length
    return replies
  }

  const message = (fields: Json) => ({
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chatId, type: 'private', first_name: from.first_name },
    from,
    ...fields,
  })

  /** Sends an update (a message with these fields unless `update` is a whole update) and waits for the answer. */
  async function send(fields: Json): Promise<SentMessage[]> {
    return settled(fake.push({ message: message(fields) }))
  }

  return {
    chatId,
    say: (text: string) => send({ text }),
    share: (latitude: number, longitude: number) => send({ location: { latitude, longitude } }),
    send,
    /** queues a whole update (a recorded fixture) and waits for the answer; `queued` is it as sent */
    async update(update: Json): Promise<{ replies: SentMessage[]; queued: Json }> {
      const queued = fake.push(update)
      return { replies: await settled(queued), queued }
    },
    /** presses a button of the latest keyboard: inline (a callback query) or reply keyboard (its text) */
    async press(label: RegExp): Promise<SentMessage[]> {
      for (const sent of [...fake.to(chatId)].reverse()) {
        const inline = sent.replyMarkup?.inline_keyboard?.flat().find((button) => label.test(button.text))
        if (inline) {
          const query = {
            id: `cb-${chatId}-${messageId++}`,
            from,
            chat_instance: `ci-${chatId}`,
            data: inline.callback_data,
            message: { message_id: sent.messageId, date: 0, chat: { id: chatId, type: 'private' }, text: sent.text, reply_markup: sent.replyMarkup },
          }
          return settled(fake.push({ callback_query: query }))
        }
        const typed = sent.replyMarkup?.keyboard?.flat().find((button) => label.test(button.text))
        if (typed) return send({ text: typed.text })
        if (sent.replyMarkup?.inline_keyboard || sent.replyMarkup?.keyboard) break
      }
      throw new Error(`no button matching ${label} in the last keyboard of chat ${chatId}`)
    },
    /** every message the chat has received */
    all: () => fake.to(chatId),
  }
}

/** The texts of some messages, joined as the citizen reads them. */
export const textOf = (messages: readonly SentMessage[]) => messages.map((m) => m.text).join('\n')
