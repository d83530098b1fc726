import type { Api } from 'grammy'
import type { Db } from '../../../db/client.js'
import type { Translate } from '../../engine/types.js'
import { stripUnsafeDeep } from '../../../http/unsafe-text.js'
import type { Logger } from '../../../log.js'
import type { InboundHandler, MediaSource } from '../../channel.js'
import type { MessageContent } from '../../engine/types.js'
import { downloadFile } from './download-file.js'
import { escapeMarkdownV2 } from './render-reply.js'
import { externalIdOf, readUpdate, type TelegramFile, TelegramUpdateSchema } from './telegram-update.js'

export type TelegramInboundDeps = {
  db: Db
  logger: Logger
  t: Translate
  token: string
  apiRoot: string
  /** the locale for a group hint when Telegram does not give the user's */
  defaultLocale: string
  now: () => Date
}

/**
 * Handles one Telegram update: a private message or button press goes to the runtime as an
 * InboundMessage (a file as a way to fetch it, which the inbound intake uses when a question
 * expects one); a group message gets a hint to write in private and nothing is kept; anything else is ignored.
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
  const file = event.content.kind === 'file' ? event.content.file : undefined
  const content: MessageContent = event.content.kind === 'file' ? mediaOf(event.content.file) : event.content
  await handle({
    channel: 'telegram',
    externalId: externalIdOf(deps.botId, update),
    from: { channelUserId: String(event.chatId), displayName: event.user.displayName, locale: event.user.locale },
    receivedAt: event.date,
    content,
    media: file ? fileSource(file, api, deps) : undefined,
  })
}

/** The file's part of the message; its `ref` is Telegram's file_id until the intake stores it. */
function mediaOf(file: TelegramFile): MessageContent {
  return { kind: 'media', media: file.media, ref: file.fileId, mimeType: file.mimeType, size: file.size, caption: file.caption }
}

/** A file through getFile and the Bot API's file endpoint, with the MIME type Telegram reported. */
function fileSource(file: TelegramFile, api: Api, deps: TelegramInboundDeps): MediaSource {
  return {
    announcedSize: file.size,
    fetch: async (maxBytes) => ({
      bytes: await downloadFile(api, file.fileId, { apiRoot: deps.apiRoot, token: deps.token, maxBytes, knownSize: file.size }),
      mimeType: file.mimeType,
    }),
  }
}
