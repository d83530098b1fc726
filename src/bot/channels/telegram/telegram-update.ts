import { z } from 'zod'
import type { MediaKind, MessageContent } from '../../engine/types.js'

/**
 * The parts of a Telegram update the adapter reads, parsed with zod (grammY hands us JSON it did
 * not check). Unknown fields are dropped; a message with none of these is "unsupported".
 */
const UserSchema = z.object({ id: z.number(), first_name: z.string().optional(), language_code: z.string().optional() })
const ChatSchema = z.object({ id: z.number(), type: z.enum(['private', 'group', 'supergroup', 'channel']) })
const FileSchema = z.object({ file_id: z.string(), file_size: z.number().optional(), mime_type: z.string().optional() })
const LocationSchema = z.object({ latitude: z.number(), longitude: z.number() })
const Present = z.object({}).loose()

const MessageSchema = z.object({
  message_id: z.number(),
  date: z.number(),
  chat: ChatSchema,
  from: UserSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(FileSchema).optional(),
  voice: FileSchema.optional(),
  audio: FileSchema.optional(),
  document: FileSchema.optional(),
  video: FileSchema.optional(),
  video_note: FileSchema.optional(),
  location: LocationSchema.optional(),
  sticker: Present.optional(),
  poll: Present.optional(),
  contact: Present.optional(),
})
export type TelegramMessage = z.infer<typeof MessageSchema>

const ButtonSchema = z.object({ text: z.string(), callback_data: z.string().optional() })
export const TelegramUpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: UserSchema,
      data: z.string().optional(),
      message: z
        .object({
          chat: ChatSchema,
          reply_markup: z.object({ inline_keyboard: z.array(z.array(ButtonSchema)) }).optional(),
        })
        .optional(),
    })
    .optional(),
})
export type TelegramUpdate = z.infer<typeof TelegramUpdateSchema>

/** A file to fetch before the message can go to the runtime. */
export type TelegramFile = { media: MediaKind; fileId: string; size?: number; mimeType: string; caption?: string }

/** What an update is to us. */
export type TelegramEvent =
  | { kind: 'ignore' }
  /** a message in a group: we point to the private chat and keep nothing */
  | { kind: 'group'; chatId: number; locale?: string }
  | {
      kind: 'message'
      chatId: number
      user: { displayName?: string; locale?: string }
      date: Date
      /** set for a button press: answered so that the client's spinner stops */
      callbackQueryId?: string
      content: MessageContent | { kind: 'file'; file: TelegramFile }
    }

/** Reads an update: what it is, and for a private message what the citizen sent. */
export function readUpdate(update: TelegramUpdate, now: Date): TelegramEvent {
  const query = update.callback_query
  if (query) {
    const chat = query.message?.chat
    if (!chat || chat.type !== 'private' || query.data === undefined) return { kind: 'ignore' }
    const label = query.message?.reply_markup?.inline_keyboard.flat().find((button) => button.callback_data === query.data)?.text
    return {
      kind: 'message',
      chatId: chat.id,
      user: userOf(query.from),
      date: now,
      callbackQueryId: query.id,
      content: { kind: 'choice', id: query.data, ...(label === undefined ? {} : { label }) },
    }
  }
  const message = update.message ?? update.edited_message
  if (!message || !message.from) return { kind: 'ignore' }
  if (message.chat.type !== 'private') {
    // only a message a person wrote gets the hint; edits and service messages pass in silence
    return update.message ? { kind: 'group', chatId: message.chat.id, locale: message.from.language_code } : { kind: 'ignore' }
  }
  const base = { kind: 'message' as const, chatId: message.chat.id, user: userOf(message.from), date: new Date(message.date * 1000) }
  if (update.edited_message) return { ...base, content: { kind: 'unsupported', what: 'edited' } }
  return { ...base, content: contentOf(message) }
}

function userOf(user: z.infer<typeof UserSchema>) {
  return { displayName: user.first_name, locale: user.language_code }
}

function contentOf(message: TelegramMessage): MessageContent | { kind: 'file'; file: TelegramFile } {
  if (message.text !== undefined) return { kind: 'text', text: commandText(message.text) }
  if (message.location) return { kind: 'location', latitude: message.location.latitude, longitude: message.location.longitude }
  const file = fileOf(message)
  if (file) return { kind: 'file', file }
  if (message.sticker) return { kind: 'unsupported', what: 'sticker' }
  if (message.poll) return { kind: 'unsupported', what: 'poll' }
  if (message.contact) return { kind: 'unsupported', what: 'contact' }
  return { kind: 'unsupported', what: 'other' }
}

function fileOf(message: TelegramMessage): TelegramFile | undefined {
  const caption = message.caption
  // sizes come smallest first; the largest is the one worth keeping as evidence
  const photo = message.photo?.at(-1)
  if (photo) return { media: 'image', fileId: photo.file_id, size: photo.file_size, mimeType: 'image/jpeg', caption }
  const parts: [MediaKind, z.infer<typeof FileSchema> | undefined, string][] = [
    ['voice', message.voice, 'audio/ogg'],
    ['audio', message.audio, 'audio/mpeg'],
    ['video', message.video ?? message.video_note, 'video/mp4'],
    ['document', message.document, 'application/octet-stream'],
  ]
  for (const [media, part, fallbackType] of parts) {
    if (part) return { media, fileId: part.file_id, size: part.file_size, mimeType: part.mime_type ?? fallbackType, caption }
  }
  return undefined
}

/** "/estado@dialogo_bot ABC" → "/estado ABC": in groups and menus Telegram appends the bot's name. */
function commandText(text: string): string {
  return text.replace(/^(\/\w+)@\w+/, '$1')
}

/** The id of a sent update for dedupe: the bot's id and the update id, which a redelivery repeats. */
export function externalIdOf(botId: string, update: TelegramUpdate): string {
  return `${botId}:${update.update_id}`
}
