import { createHmac } from 'node:crypto'
import { autoRetry } from '@grammyjs/auto-retry'
import { type RunnerHandle, sequentialize } from '@grammyjs/runner'
import { Bot, GrammyError, HttpError, type Transformer } from 'grammy'
import type { Db } from '../../../db/client.js'
import { flows } from '../../../flows/index.js'
import { createTranslate, defaultLocale, sharedLocales } from '../../../i18n/index.js'
import type { Logger } from '../../../log.js'
import { type AudioPrompts, noAudioPrompts } from '../../audio-prompts.js'
import type { Channel, DeliveryResult, InboundHandler } from '../../channel.js'
import { type CommandMenu, commandMenus } from './bot-commands.js'
import { startLongPolling } from './long-polling.js'
import { createRateLimiter, type RateLimiterOptions } from './rate-limiter.js'
import { renderReply } from './render-reply.js'
import { createRecordingSender } from './send-recording.js'
import { handleTelegramUpdate } from './telegram-inbound.js'
import { createTelegramWebhookRoutes } from './telegram-webhook.js'

export type TelegramChannelOptions = {
  db: Db
  logger: Logger
  token: string
  /** Bot API root: Telegram's by default; a self-hosted Bot API server or a test fake */
  apiRoot?: string
  /** webhook mode; long polling when left out */
  webhook?: { url: string; secret?: string }
  limits?: RateLimiterOptions
  /** a send the Bot API has not answered after this long is given up, for the outbox to retry; 15 s by default */
  sendTimeoutMs?: number
  now?: () => Date
  /** recorded prompts, sent as a voice note before the text they say */
  audio?: AudioPrompts
  /** the `/` menus (commandMenus from the offered locales); by default the built-in flows' in every complete locale */
  commandMenus?: readonly CommandMenu[]
}

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const
// sendMessage, sendPhoto, copyMessage ...: every call that puts a message in a chat
const SENDING = /^(send|copy|forward)/

/**
 * Telegram through grammY. Long polling with @grammyjs/runner (chats concurrently, each chat in
 * order), or a webhook at /webhooks/telegram; either way updates go through the same middleware.
 * Every API call passes auto-retry (429 with retry_after, network errors) and the send limiter.
 */
export function createTelegramChannel(options: TelegramChannelOptions): Channel {
  const apiRoot = options.apiRoot ?? 'https://api.telegram.org'
  const now = options.now ?? (() => new Date())
  const t = createTranslate()
  const botId = options.token.split(':')[0] ?? options.token
  const bot = new Bot(options.token, { client: { apiRoot } })
  const limiter = createRateLimiter(options.limits)
  const limit: Transformer = async (prev, method, payload, signal) => {
    if (SENDING.test(method) && 'chat_id' in payload) await limiter(String(payload.chat_id))
    return prev(method, payload, signal)
  }
  bot.api.config.use(limit)
  // Sends are retried by the outbox, which honours retry_after without holding other chats up, and
  // each is bounded in time; the other calls (start-up, commands) wait out retry_after up to a minute.
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 })
  const sendTimeoutMs = options.sendTimeoutMs ?? 15_000
  bot.api.config.use((prev, method, payload, signal) =>
    SENDING.test(method) ? prev(method, payload, signal ?? (AbortSignal.timeout(sendTimeoutMs) as unknown as typeof signal)) : retry(prev, method, payload, signal),
  )
  const sendRecording = createRecordingSender(bot.api, options.audio ?? noAudioPrompts, options.logger)

  let handler: InboundHandler | undefined
  let runner: RunnerHandle | undefined
  bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? '')))
  bot.use(async (ctx) => {
    if (!handler) throw new Error('telegram update before the channel started')
    await handleTelegramUpdate(ctx.update, ctx.api, handler, {
      db: options.db,
      logger: options.logger,
      t,
      token: options.token,
      apiRoot,
      defaultLocale,
      now,
      botId,
      botUsername: ctx.me.username,
    })
  })
  // the BotError carries the update (message text): only the error inside is logged, serialized
  bot.catch((error) => {
    options.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed')
  })

  const secret = options.webhook ? (options.webhook.secret ?? deriveSecret(options.token)) : undefined
  return {
    kind: 'telegram',
    ratePerSecond: 30,
    inlineReplies: false,
    // ready once getMe answered: before that grammY would wait for it inside the request, so a
    // webhook update gets 503 and Telegram sends it again
    routes: secret ? createTelegramWebhookRoutes({ bot, secret, ready: () => handler !== undefined && bot.isInited() }) : undefined,
    async send(chatId, reply, context): Promise<DeliveryResult> {
      const shareLocation = reply.expects === 'location' ? t(context?.locale ?? defaultLocale, 'telegram.shareLocation') : ''
      try {
        // the recording first, so the text and its buttons stay at the bottom of the chat
        await sendRecording(chatId, reply)
        let last: number | undefined
        for (const part of renderReply(reply, { shareLocation })) {
          const sent = await bot.api.sendMessage(chatId, part.text, { parse_mode: 'MarkdownV2', reply_markup: part.reply_markup })
          last = sent.message_id
        }
        return { ok: true, externalId: last === undefined ? undefined : String(last) }
      } catch (error) {
        return deliveryFailure(error)
      }
    },
    async start(handle, given) {
      const signal = grammySignal(given)
      // taken before the first call: the webhook route is ready as soon as getMe has answered
      handler = handle
      // every call gets the signal: a Bot API that never answers aborts the attempt, not the app
      await bot.init(signal)
      await setCommands(bot, options.commandMenus ?? defaultCommandMenus(), options.logger, signal)
      if (options.webhook && secret) {
        await bot.api.setWebhook(options.webhook.url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }, signal)
        options.logger.info({ mode: 'webhook' }, 'telegram channel started')
        return
      }
      await bot.api.deleteWebhook(undefined, signal)
      given?.throwIfAborted()
      // an update is confirmed to Telegram only once handled: a crash loses none (long-polling.ts)
      runner = startLongPolling(bot, ALLOWED_UPDATES)
      options.logger.info({ mode: 'long polling' }, 'telegram channel started')
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop()
      runner = undefined
    },
  }
}

/**
 * grammY types its signals with the abort-controller package's declarations, which do not
 * match Node's own, while at run time it takes Node's: the same object, under grammY's type.
 */
type GrammySignal = Parameters<Bot['init']>[0]
function grammySignal(signal: AbortSignal | undefined): GrammySignal {
  return signal as unknown as GrammySignal
}

function defaultCommandMenus(): CommandMenu[] {
  const locales = sharedLocales()
  return commandMenus({ flows, locales: locales.offered({ minPercent: 100, defaultLocale }), defaultLocale, own: locales.own, t: locales.t })
}

async function setCommands(bot: Bot, menus: readonly CommandMenu[], logger: Logger, signal?: GrammySignal) {
  try {
    for (const { languageCode, commands } of menus) {
      await bot.api.setMyCommands(commands, languageCode === undefined ? undefined : { language_code: languageCode }, signal)
    }
  } catch (error) {
    // an aborted start is retried as a whole
    if (signal?.aborted) throw error
    // a command menu is a convenience: the bot works without it
    logger.warn({ err: error }, 'telegram setMyCommands failed')
  }
}

/**
 * Blocked by the user, deactivated, or a chat that does not exist: retrying cannot help. A 429
 * says when to try again; a 5xx, a timeout or a network failure is tried again later.
 */
function deliveryFailure(error: unknown): DeliveryResult {
  if (error instanceof GrammyError) {
    const code = error.error_code
    const notFound = code === 400 && /chat not found/i.test(error.description)
    const permanent = code === 403 || notFound || (code === 400 && /user is deactivated/i.test(error.description))
    const retryAfter = error.parameters.retry_after
    const failure = code === 429 ? 'rate_limited' : code >= 500 ? 'server_error' : notFound ? 'not_found' : permanent ? 'blocked' : 'other'
    return { ok: false, permanent, failure, error: `${code}: ${error.description}`, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }) }
  }
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? error.error.name : ''
    const timedOut = cause === 'TimeoutError' || cause === 'AbortError'
    return { ok: false, permanent: false, failure: timedOut ? 'timeout' : 'network', error: timedOut ? 'the Bot API did not answer in time' : 'the Bot API could not be reached' }
  }
  return { ok: false, permanent: false, failure: 'other', error: error instanceof Error ? error.message : String(error) }
}

/** A webhook secret every instance derives alike from the token, when none is configured. */
function deriveSecret(token: string): string {
  return createHmac('sha256', token).update('dialogo telegram webhook').digest('base64url')
}
