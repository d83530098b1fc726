import type { Hono } from 'hono'
import type { ChannelConfig } from '../../src/bot/create-channels.js'
import type { Reply } from '../../src/bot/engine/types.js'
import { type Composed, compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import type { Logger } from '../../src/log.js'
import { silentLogger } from './tiny-engine.js'
import { conversationKeys } from '../../src/bot/channels/webchat/conversation-keys.js'
import { loadAppSecret } from '../../src/db/app-secret.js'

/** The real app on a test database, as main.ts wires it; `channels` turns optional channels on. */
export async function testApp(database: Database, now?: () => Date, logger: Logger = silentLogger, channels: ChannelConfig = {}): Promise<Composed> {
  return compose({
    database,
    config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 50, RETENTION_DAYS: 180, ...channels },
    logger,
    now,
  })
}

/**
 * The conversation id a test's named conversation uses: the id is the citizen's secret and must be
 * at least 22 characters, so short names are padded.
 */
export function webchatSecret(name: string): string {
  return name.length >= 22 ? name : `${name}-${'0'.repeat(21 - name.length)}`
}

/** What the server stores a web chat conversation under (the keyed hash of its secret). */
export async function webchatContactKey(database: Database, name: string): Promise<string> {
  return conversationKeys(await loadAppSecret(database.db, 'webchat-conversation')).contact(webchatSecret(name))
}

/** A web chat conversation: each `say` posts like the page does and returns the bot's replies. */
export function webchatConversation(app: Hono, name: string) {
  const conversationId = webchatSecret(name)
  let counter = 0
  type Body = {
    text?: string
    choiceId?: string
    location?: { latitude: number; longitude: number }
    media?: { mimeType: string; dataBase64: string }
  }
  async function post(body: Body): Promise<Reply[]> {
    counter++
    const response = await app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId, messageId: `msg-${counter}-${conversationId}`, ...body }),
    })
    if (response.status !== 200) throw new Error(`webchat answered ${response.status}: ${await response.text()}`)
    const json = (await response.json()) as { replies: Reply[] }
    return json.replies
  }
  let last: Reply[] = []
  return {
    say: async (text: string) => (last = await post({ text })),
    /** attaches a file, as the page's attach button does */
    attach: async (mimeType: string, content: Buffer) => (last = await post({ media: { mimeType, dataBase64: content.toString('base64') } })),
    /** shares the device's position, as the page's location button does */
    share: async (latitude: number, longitude: number) => (last = await post({ location: { latitude, longitude } })),
    /** presses the offered button whose label matches */
    press: async (label: RegExp) => {
      const choice = last.flatMap((reply) => reply.choices ?? []).find((c) => label.test(c.label))
      if (!choice) throw new Error(`no choice matching ${label} in ${JSON.stringify(last)}`)
      return (last = await post({ choiceId: choice.id }))
    },
    text: () => last.map((reply) => reply.text).join('\n'),
    /** the conversation id and the message id of the last message sent, to send it again */
    lastMessage: () => ({ conversationId, messageId: `msg-${counter}-${conversationId}` }),
    /** labels of the buttons the last answer offered */
    choices: () => last.flatMap((reply) => reply.choices ?? []).map((choice) => choice.label),
  }
}

/** A tracking code as the bot writes it: two groups of five from Crockford base32 (no I, L, O, U). */
export const TRACKING_CODE = /\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b/

/**
 * Files a health complaint about Mixco through the web chat, answering every question as a
 * citizen would; `identity` picks the identity-mode button, `photo` is attached as evidence.
 */
export async function fileWebchatComplaint(
  app: Hono,
  conversationId: string,
  options: { description: string; identity: RegExp; photo?: Buffer },
) {
  const chat = webchatConversation(app, conversationId)
  await chat.say('hola')
  await chat.press(/queja/i)
  await chat.press(/^salud/i)
  await chat.press(/medicamentos/i)
  await chat.say('guatemala')
  await chat.say('mixco')
  await chat.say('Centro de Salud de Mixco')
  await chat.say('no')
  await chat.say(options.description)
  if (options.photo) await chat.attach('image/jpeg', options.photo)
  else await chat.say('no')
  await chat.press(options.identity)
  // "yes" to news on this chat (not asked of an anonymous complaint), then "yes" to the review
  await chat.say('sí')
  if (!TRACKING_CODE.test(chat.text())) await chat.say('sí')
  const code = TRACKING_CODE.exec(chat.text())?.[0]
  if (!code) throw new Error(`no tracking code in: ${chat.text()}`)
  return { code, chat }
}
