import { readFileSync } from 'node:fs'
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import { webchatMessages } from '../../../db/schema/index.js'
import { validate } from '../../../http/validate.js'
import type { InboundHandler } from '../../channel.js'
import { ReplySchema } from '../../reply-schema.js'
import type { MessageContent } from '../../engine/types.js'
import { enrichLocation } from '../enrich-location.js'

const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')

export const WebchatPostSchema = z
  .object({
    conversationId: ConversationIdSchema,
    /** chosen by the page; the same id sent twice is one message (the page retries on errors) */
    messageId: ConversationIdSchema,
    text: z.string().max(4000).optional(),
    choiceId: z.string().max(200).optional(),
    /** the device's position, when the citizen shares it at a question about the place */
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  })
  .refine(
    (body) => (body.text !== undefined && body.text.trim() !== '') || body.choiceId !== undefined || body.location !== undefined,
    { message: 'send text, a choiceId or a location' },
  )

/** The message a web chat request carries: a location, a button press, or text. */
function contentOf(body: z.infer<typeof WebchatPostSchema>): MessageContent {
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
export function createWebchatRoutes(deps: { db: Db; handle: InboundHandler; now?: () => Date }) {
  const now = deps.now ?? (() => new Date())
  const app = new Hono()
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    const content = page(file)
    app.get(path, (c) => c.body(content, 200, { 'content-type': type, 'cache-control': 'no-cache' }))
  }

  app.post('/webchat/messages', validate('json', WebchatPostSchema), async (c) => {
    const body = c.req.valid('json')
    const result = await deps.handle({
      channel: 'webchat',
      externalId: `${body.conversationId}:${body.messageId}`,
      from: { channelUserId: body.conversationId, locale: c.req.header('accept-language') },
      receivedAt: now(),
      content: contentOf(body),
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
