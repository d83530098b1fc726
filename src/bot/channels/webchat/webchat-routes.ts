import { readFileSync } from 'node:fs'
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { getConnInfo } from '@hono/node-server/conninfo'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import { contacts, webchatMessages } from '../../../db/schema/index.js'
import { validate } from '../../../http/validate.js'
import type { InboundHandler, MediaSource } from '../../channel.js'
import { audioOf, type AudioPrompts, noAudioPrompts } from '../../audio-prompts.js'
import { ReplySchema } from '../../reply-schema.js'
import type { MediaKind, MessageContent, Reply } from '../../engine/types.js'
import { createAudioRoutes } from './audio-routes.js'
import { MediaTooLargeError } from '../../../media/store-media.js'
import { problem } from '../../../http/problem.js'
import type { ConversationKeys } from './conversation-keys.js'
import { createFloodGuard } from './flood-guard.js'

const DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024
// base64 takes 4 characters for every 3 bytes; the byte limit itself is checked by the intake.
const MAX_BASE64_CHARS = Math.ceil((DEFAULT_MAX_MEDIA_BYTES * 4) / 3) * 2

/**
 * The conversation id is the citizen's only credential: long and random enough not to be guessed
 * (the page makes a random UUID). 22 characters of this alphabet carry at least 128 bits.
 */
const ConversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _')
  .min(22, 'must be at least 22 characters: it is the secret that keeps the conversation private (use a random UUID)')
  .max(64, 'must be at most 64 characters')
const MessageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')

export const WebchatPostSchema = z
  .object({
    conversationId: ConversationIdSchema,
    /** chosen by the page; the same id sent twice is one message (the page retries on errors) */
    messageId: MessageIdSchema,
    /** the page runs on a screen strangers share (kiosk mode) */
    kiosk: z.boolean().optional(),
    text: z.string().max(4000).optional(),
    choiceId: z.string().max(200).optional(),
    /** a photo, recording or document the citizen attaches, as base64 (the page reads the file) */
    media: z
      .object({
        mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as image/jpeg'),
        dataBase64: z.string().min(1).max(MAX_BASE64_CHARS).regex(/^[A-Za-z0-9+/]+=*$/, 'base64'),
      })
      .optional(),
    /** the device's position, when the citizen shares it at a question about the place */
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  })
  .refine(
    (body) =>
      (body.text !== undefined && body.text.trim() !== '') ||
      body.choiceId !== undefined ||
      body.location !== undefined ||
      body.media !== undefined,
    { message: 'send text, a choiceId, a location or media' },
  )

type WebchatPost = z.infer<typeof WebchatPostSchema>

function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'image'
  if (mimeType.startsWith('audio/')) return 'audio'
  if (mimeType.startsWith('video/')) return 'video'
  return 'document'
}

/** The attached file, already in the request: "fetching" it decodes the base64. */
function attachedSource(attached: NonNullable<WebchatPost['media']>): MediaSource {
  return {
    // base64 carries 3 bytes in 4 characters, less the padding
    announcedSize: Math.floor((attached.dataBase64.length * 3) / 4) - (attached.dataBase64.match(/=+$/)?.[0].length ?? 0),
    fetch: (maxBytes) => {
      const bytes = Buffer.from(attached.dataBase64, 'base64')
      if (bytes.length > maxBytes) return Promise.reject(new MediaTooLargeError(bytes.length, maxBytes))
      return Promise.resolve({ bytes, mimeType: attached.mimeType })
    },
  }
}

/** The message a web chat request carries: a file, a location, a button press, or text. */
function contentOf(body: WebchatPost, messageId: string): MessageContent {
  if (body.media) return { kind: 'media', media: mediaKindOf(body.media.mimeType), ref: messageId, mimeType: body.media.mimeType }
  if (body.location) return { kind: 'location', ...body.location }
  if (body.choiceId !== undefined) return { kind: 'choice', id: body.choiceId }
  return { kind: 'text', text: body.text ?? '' }
}

// The page sends the id in a header, so it stays out of URLs and access logs; the query still works.
const PollQuerySchema = z.object({ conversationId: ConversationIdSchema.optional() })
const CONVERSATION_HEADER = 'x-conversation-id'

const FLOOD_TEXT = {
  es: 'Está enviando mensajes muy rápido. Espere un momento y vuelva a intentarlo.',
  en: 'You are sending messages very quickly. Please wait a moment and try again.',
} as const

const page = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8')
const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/webchat.css': { file: 'webchat.css', type: 'text/css; charset=utf-8' },
  '/webchat.js': { file: 'webchat.js', type: 'text/javascript; charset=utf-8' },
} as const

export type WebchatRoutesOptions = {
  db: Db
  handle: InboundHandler
  /** the keyed hashes the conversation id is stored under (conversationKeys of the server secret) */
  keys: ConversationKeys
  now?: () => Date
  /** unused here since the inbound intake limits every channel's files; app.ts sizes the body by it */
  maxMediaBytes?: number
  /** every page is a kiosk unless it says otherwise (WEBCHAT_KIOSK) */
  kiosk?: boolean
  /** minutes of quiet before a kiosk starts over for the next person */
  kioskIdleMinutes?: number
  /** messages per minute one conversation, and one client address, may send */
  perConversationPerMinute?: number
  perClientPerMinute?: number
  /** the sender's network address; by default the socket's peer */
  clientAddress?: (c: Context) => string | undefined
  /** recorded prompts: a reply with one carries its URL, and `/audio/…` serves it */
  audio?: AudioPrompts
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    // not behind @hono/node-server (tests call app.request directly)
    return undefined
  }
}

/** The web chat page and its JSON endpoints, as a Hono router to mount at the root. */
export function createWebchatRoutes(deps: WebchatRoutesOptions) {
  const now = deps.now ?? (() => new Date())
  const clientAddress = deps.clientAddress ?? socketAddress
  const byConversation = createFloodGuard({ max: deps.perConversationPerMinute ?? 30, windowMs: 60_000 })
  const byClient = createFloodGuard({ max: deps.perClientPerMinute ?? 240, windowMs: 60_000 })
  const audio = deps.audio ?? noAudioPrompts
  // the page shows a play button beside a reply whose message key has a recording
  const withAudio = (reply: Reply) => {
    const found = audioOf(audio, reply)
    return found ? { ...reply, audio: found } : reply
  }
  const app = new Hono()
  app.route('/', createAudioRoutes(audio))
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    const content = file === 'index.html' ? withPageSettings(page(file), deps) : page(file)
    app.get(path, (c) => c.body(content, 200, { 'content-type': type, 'cache-control': 'no-cache' }))
  }

  app.post('/webchat/messages', validate('json', WebchatPostSchema), async (c) => {
    const body = c.req.valid('json')
    const address = clientAddress(c)
    const clientKey = address === undefined ? undefined : deps.keys.client(address)
    const at = now()
    const contactKey = deps.keys.contact(body.conversationId)
    const flood = worst(byConversation.hit(contactKey, at.getTime()), clientKey ? byClient.hit(clientKey, at.getTime()) : 'ok')
    if (flood !== 'ok') {
      c.header('retry-after', '30')
      // told once, in words and in the conversation's language; later refusals say only the status
      if (flood === 'again') return problem(c, 429, 'too many messages, wait and retry')
      const language = (await conversationLocale(deps.db, contactKey)) ?? c.req.header('accept-language') ?? ''
      return problem(c, 429, FLOOD_TEXT[language.toLowerCase().startsWith('en') ? 'en' : 'es'])
    }
    const externalId = deps.keys.message(body.conversationId, body.messageId)
    const result = await deps.handle({
      channel: 'webchat',
      externalId,
      from: { channelUserId: contactKey, locale: c.req.header('accept-language') },
      receivedAt: at,
      content: contentOf(body, body.messageId),
      media: body.media ? attachedSource(body.media) : undefined,
      sharedScreen: deps.kiosk === true || body.kiosk === true,
      clientKey,
      replay: deps.keys.replay(body.conversationId),
    })
    return c.json({ replies: result.replies.map(withAudio), ...(result.locale ? { locale: result.locale } : {}) })
  })

  app.get('/webchat/messages', validate('query', PollQuerySchema), async (c) => {
    const given = ConversationIdSchema.safeParse(c.req.header(CONVERSATION_HEADER) ?? c.req.valid('query').conversationId)
    if (!given.success) {
      return problem(c, 400, `conversationId (the ${CONVERSATION_HEADER} header or the query) ${given.error.issues[0]?.message ?? 'is missing'}`)
    }
    const conversationId = deps.keys.contact(given.data)
    const rows = await deps.db.transaction(async (tx) => {
      const pending = await tx
        .select()
        .from(webchatMessages)
        .where(and(eq(webchatMessages.conversationId, conversationId), isNull(webchatMessages.fetchedAt)))
        .orderBy(asc(webchatMessages.id))
        .for('update', { skipLocked: true })
      if (pending.length > 0) {
        await tx
          .update(webchatMessages)
          .set({ fetchedAt: now() })
          .where(inArray(webchatMessages.id, pending.map((row) => row.id)))
      }
      return pending
    })
    const locale = rows.length > 0 ? await conversationLocale(deps.db, conversationId) : null
    return c.json({ replies: rows.map((row) => withAudio(ReplySchema.parse(row.body))), ...(locale ? { locale } : {}) })
  })
  return app
}

/** The language a conversation is held in, by its stored key; null before its first message. */
async function conversationLocale(db: Db, contactKey: string): Promise<string | null> {
  const [row] = await db
    .select({ locale: contacts.locale })
    .from(contacts)
    .where(and(eq(contacts.channel, 'webchat'), eq(contacts.channelUserId, contactKey)))
  return row?.locale ?? null
}

function worst(a: 'ok' | 'first' | 'again', b: 'ok' | 'first' | 'again'): 'ok' | 'first' | 'again' {
  if (a === 'first' || b === 'first') return 'first'
  return a === 'again' || b === 'again' ? 'again' : 'ok'
}

/** The page learns the server's kiosk settings from meta tags (no inline script under the CSP). */
function withPageSettings(html: string, deps: WebchatRoutesOptions): string {
  const meta = [
    `<meta name="dialogo-kiosk" content="${deps.kiosk === true ? '1' : '0'}">`,
    `<meta name="dialogo-kiosk-idle-minutes" content="${deps.kioskIdleMinutes ?? 3}">`,
    `<meta name="dialogo-media-max-bytes" content="${deps.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES}">`,
  ].join('\n  ')
  return html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${meta}`)
}
