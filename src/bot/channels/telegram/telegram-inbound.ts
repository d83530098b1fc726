import type { Api } from 'grammy'
import type { Db } from '../../../db/client.js'
import type { Translate } from '../../engine/types.js'
import { stripUnsafeDeep } from '../../../http/unsafe-text.js'
import type { Logger } from '../../../log.js'
import { MediaTooLargeError, storeMedia } from '../../../media/store-media.js'
import type { InboundHandler } from '../../channel.js'
import type { MessageContent } from '../../engine/types.js'
import { alreadyHandled } from '../already-handled.js'
import { enrichLocation } from '../enrich-location.js'
import { downloadFile, FileTooLargeError } from './download-file.js'
import { escapeMarkdownV2 } from './render-reply.js'
import { externalIdOf, readUpdate, type TelegramFile, TelegramUpdateSchema } from './telegram-update.js'

export type TelegramInboundDeps = {
  db: Db
  logger: Logger
  t: Translate
  token: string
  apiRoot: string
  maxMediaBytes: number
  /** the locale for a group hint when Telegram does not give the user's */
  defaultLocale: string
  now: () => Date
}

/**
 * Handles one Telegram update: a private message or button press goes to the runtime as an
 * InboundMessage (files fetched and stored first, locations placed in their municipality); a
 * group message gets a hint to write in private and nothing is kept; anything else is ignored.
 */
export async function handleTelegramUpdate(
  raw: unknown,
  api: Api,
  handle: InboundHandler,
  deps: TelegramInboundDeps & { botId: string; botUsername: string },
): Promise<void> {
  // NUL and lone surrogates are dropped, not refused: Telegram would resend the update forever.
  const parsed = TelegramUpdateSchema.safeParse(stripUnsafeDeep(raw))
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, 'telegram update not understood')
    return
  }
  const update = parsed.data
  const event = readUpdate(update, deps.now())
  switch (event.kind) {
    case 'ignore':
      return
    case 'group': {
      const locale = event.locale?.slice(0, 2) ?? deps.defaultLocale
      const hint = deps.t(locale, 'telegram.groupHint', { link: `https://t.me/${deps.botUsername}` })
      await api.sendMessage(event.chatId, escapeMarkdownV2(hint), { parse_mode: 'MarkdownV2' })
      return
    }
    case 'message':
      break
  }
  // stops the spinner on the button at once; the answer itself follows through the outbox
  if (event.callbackQueryId !== undefined) {
    await api.answerCallbackQuery(event.callbackQueryId).catch(() => undefined)
  }
  const externalId = externalIdOf(deps.botId, update)
  let content: MessageContent
  if (event.content.kind === 'file') {
    // a redelivered update is answered by the runtime's dedupe: no need to fetch the file again
    if (await alreadyHandled(deps.db, 'telegram', externalId)) return
    content = await storedFile(event.content.file, api, deps)
  } else {
    content = enrichLocation(event.content)
  }
  await handle({
    channel: 'telegram',
    externalId,
    from: { channelUserId: String(event.chatId), displayName: event.user.displayName, locale: event.user.locale },
    receivedAt: event.date,
    content,
  })
}

async function storedFile(file: TelegramFile, api: Api, deps: TelegramInboundDeps): Promise<MessageContent> {
  try {
    const content = await downloadFile(api, file.fileId, {
      apiRoot: deps.apiRoot,
      token: deps.token,
      maxBytes: deps.maxMediaBytes,
      knownSize: file.size,
    })
    const stored = await storeMedia(deps.db, {
      channel: 'telegram',
      kind: file.media,
      mimeType: file.mimeType,
      content,
      maxBytes: deps.maxMediaBytes,
    })
    return { kind: 'media', media: file.media, ref: stored.id, mimeType: stored.mimeType, size: stored.size, caption: file.caption }
  } catch (error) {
    if (error instanceof FileTooLargeError || error instanceof MediaTooLargeError) return { kind: 'unsupported', what: 'media-too-large' }
    // the citizen is asked to send it again rather than losing the message
    deps.logger.warn({ err: error, media: file.media }, 'telegram file download failed')
    return { kind: 'unsupported', what: 'media-failed' }
  }
}
