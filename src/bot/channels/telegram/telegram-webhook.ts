import { timingSafeEqual } from 'node:crypto'
import { type Bot, webhookCallback } from 'grammy'
import { Hono } from 'hono'
import { z } from 'zod'
import { problem } from '../../../http/problem.js'

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram'
const SECRET_HEADER = 'x-telegram-bot-api-secret-token'
/** Longer than this and we answer Telegram anyway; the update finishes in the background. */
const ANSWER_WITHIN_MS = 2_000

const UpdateEnvelopeSchema = z.object({ update_id: z.number().int() }).loose()

/**
 * POST /webhooks/telegram: checks Telegram's secret-token header, then hands the update to the
 * bot's middleware (the same as long polling). Telegram is answered as soon as the update is
 * handled, or after two seconds while it goes on, so a slow file download does not make Telegram
 * send it again; one that does arrive again is dropped by the runtime's dedupe.
 */
export function createTelegramWebhookRoutes(deps: { bot: Bot; secret: string; ready: () => boolean }): Hono {
  const callback = webhookCallback(deps.bot, 'hono', {
    secretToken: deps.secret,
    onTimeout: 'return',
    timeoutMilliseconds: ANSWER_WITHIN_MS,
  })
  const expected = Buffer.from(deps.secret)
  return new Hono().post(TELEGRAM_WEBHOOK_PATH, async (c) => {
    const given = Buffer.from(c.req.header(SECRET_HEADER) ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return problem(c, 401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token')
    }
    // Telegram retries what we refuse with a 5xx: an update before start-up is kept, not lost
    if (!deps.ready()) return problem(c, 503, 'the Telegram channel is starting')
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!UpdateEnvelopeSchema.safeParse(body).success) return problem(c, 400, 'the body is not a Telegram update')
    return callback(c)
  })
}
