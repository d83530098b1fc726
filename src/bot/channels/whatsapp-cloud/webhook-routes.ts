import { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import { problem } from '../../../http/problem.js'
import { sameSecret } from '../../../http/same-secret.js'
import { stripUnsafeDeep } from '../../../http/unsafe-text.js'
import type { Logger } from '../../../log.js'
import type { InboundHandler } from '../../channel.js'
import type { GraphApi } from './graph-api.js'
import { recordStatuses } from './record-statuses.js'
import { reopenServiceWindow } from './service-window.js'
import { cloudInbound } from './to-inbound.js'
import { verifySignature } from './verify-signature.js'
import { CloudChangeValueSchema, CloudWebhookSchema } from './webhook-schema.js'

export type WhatsappWebhookOptions = {
  db: Db
  logger: Logger
  graph: GraphApi
  appSecret: string
  verifyToken: string
  /** changes for other numbers of the same business account are not ours */
  phoneId: string
  /** the runtime's handler, once the channel has started */
  handler: () => InboundHandler | undefined
  now: () => Date
}

const VerifyQuerySchema = z.object({ 'hub.mode': z.literal('subscribe'), 'hub.verify_token': z.string(), 'hub.challenge': z.string() })

/**
 * `/webhooks/whatsapp`: GET answers Meta's subscription check; POST takes messages and delivery
 * statuses, only when X-Hub-Signature-256 proves the raw body came from Meta.
 */
export function createWhatsappWebhookRoutes(options: WhatsappWebhookOptions): Hono {
  const app = new Hono()

  app.get('/webhooks/whatsapp', (c) => {
    const query = VerifyQuerySchema.safeParse(c.req.query())
    // compared in constant time: a timing difference would let the token be guessed byte by byte
    if (!query.success || !sameSecret(query.data['hub.verify_token'], options.verifyToken)) return problem(c, 403, 'verify token does not match')
    return c.text(query.data['hub.challenge'])
  })

  app.post('/webhooks/whatsapp', async (c) => {
    // The signature covers the exact bytes Meta sent: read them before any parsing.
    const raw = await c.req.text()
    if (!verifySignature(raw, c.req.header('x-hub-signature-256'), options.appSecret)) {
      options.logger.warn('WhatsApp Cloud webhook with a missing or wrong signature refused')
      return problem(c, 401, 'X-Hub-Signature-256 does not match the body')
    }
    const handle = options.handler()
    if (!handle) return problem(c, 503, 'the WhatsApp channel is not running yet')
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return problem(c, 400, 'the body is not JSON')
    }
    // NUL and lone surrogates are dropped, not refused: Meta would redeliver a 400 forever.
    const webhook = CloudWebhookSchema.safeParse(stripUnsafeDeep(json))
    if (!webhook.success) return problem(c, 400, 'unrecognised webhook body', webhook.error.issues)

    for (const change of webhook.data.entry.flatMap((entry) => entry.changes)) {
      if (change.field !== 'messages') continue
      const value = CloudChangeValueSchema.safeParse(change.value)
      if (!value.success) return problem(c, 400, 'unrecognised messages change', value.error.issues)
      if (value.data.metadata.phone_number_id !== options.phoneId) continue
      await recordStatuses(options.db, value.data.statuses ?? [])
      for (const message of value.data.messages ?? []) {
        const name = value.data.contacts?.find((contact) => contact.wa_id === message.from)?.profile?.name
        const inbound = cloudInbound(message, name, options.graph)
        if (!inbound) continue
        // Before the message is handled, so what waited for the window goes ahead of the answers to it.
        await reopenServiceWindow(options.db, message.from, options.now())
        // A failure here answers 500 and Meta redelivers; the runtime's dedupe makes that safe.
        await handle(inbound)
      }
    }
    return c.text('ok')
  })
  return app
}
