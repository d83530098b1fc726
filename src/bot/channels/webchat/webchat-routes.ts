import { readFileSync } from 'node:fs'
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import { webchatMessages } from '../../../db/schema/index.js'
import { validate } from '../../../http/validate.js'
import type { InboundHandler } from '../../channel.js'
import { ReplySchema } from '../../reply-schema.js'
import type { MediaKind, MessageContent } from '../../engine/types.js'
import { MediaTooLargeError, storeMedia } from '../../../media/store-media.js'
import { alreadyHandled } from '../already-handled.js'
import { enrichLocation } from '../enrich-location.js'

const DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024
// base64 takes 4 characters for every 3 bytes; the byte limit itself is checked when storing.
const MAX_BASE64_CHARS = Math.ceil((DEFAULT_MAX_MEDIA_BYTES * 4) / 3) * 2

const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')

export const WebchatPostSchema = z
  .object({
    conversationId: ConversationIdSchema,
    /** chosen by the page; the same id sent twice is one message (the page retries on errors) */
    messageId: ConversationIdSchema,
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

/**
 * Stores an attached file as evidence and answers the media content that points at it; a file
 * over the limit becomes the kind "too large" answer. A repeated request stores nothing again.
 */
async function mediaContent(db: Db, body: WebchatPost, externalId: string, maxBytes: number): Promise<MessageContent> {
  const attached = body.media
  // A repeat is answered by the runtime with its first replies; what it carries is not read.
  if (!attached || (await alreadyHandled(db, 'webchat', externalId))) return { kind: 'text', text: '' }
  const kind = mediaKindOf(attached.mimeType)
  try {
    const content = Buffer.from(attached.dataBase64, 'base64')
    const stored = await storeMedia(db, { channel: 'webchat', kind, mimeType: attached.mimeType, content, maxBytes })
    return { kind: 'media', media: kind, ref: stored.id, mimeType: attached.mimeType, size: stored.size }
  } catch (error) {
    if (error instanceof MediaTooLargeError) return { kind: 'unsupported', what: 'media-too-large' }
    throw error
  }
}

/** The message a web chat request carries: a location, a button press, or text. */
function contentOf(body: WebchatPost): MessageContent {
  if (body.location) return enrichLocation({ kind: 'location', ...body.location })
  if (body.choiceId !== undefined) return { kind: 'choice', id: body.choiceId }
  return { kind: 'text', text: body.text ?? '' }
}

const PollQuerySchema = z.object({ conversationId: ConversationIdSchema })

const page = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8')
const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/webchat.css': { file: 'webchat.css', type: 'text/css; charset=utf-8' },
  '/webchat.js': { file: 'webchat.js', type: 'text/javascript; charset=utf-8' },
} as const

/** The web chat page and its JSON endpoints, as a Hono router to mount at the root. */
export function createWebchatRoutes(deps: { db: Db; handle: InboundHandler; now?: () => Date; maxMediaBytes?: number }) {
  const now = deps.now ?? (() => new Date())
  const maxMediaBytes = deps.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES
  const app = new Hono()
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    const content = page(file)
    app.get(path, (c) => c.body(content, 200, { 'content-type': type, 'cache-control': 'no-cache' }))
  }

  app.post('/webchat/messages', validate('json', WebchatPostSchema), async (c) => {
    const body = c.req.valid('json')
    const externalId = `${body.conversationId}:${body.messageId}`
    const result = await deps.handle({
      channel: 'webchat',
      externalId,
      from: { channelUserId: body.conversationId, locale: c.req.header('accept-language') },
      receivedAt: now(),
      content: body.media ? await mediaContent(deps.db, body, externalId, maxMediaBytes) : contentOf(body),
    })
    return c.json({ replies: result.replies })
  })

  app.get('/webchat/messages', validate('query', PollQuerySchema), async (c) => {
    const { conversationId } = c.req.valid('query')
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
    return c.json({ replies: rows.map((row) => ReplySchema.parse(row.body)) })
  })
  return app
}
