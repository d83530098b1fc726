import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types'
import type { Choice, Reply } from '../../engine/types.js'

/** One sendMessage call: MarkdownV2 text (already escaped) and its keyboard. */
export type TelegramOutgoing = { text: string; reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove }

/** Telegram refuses longer messages. */
export const MAX_MESSAGE_LENGTH = 4096
/** More inline buttons than this bury the question; longer lists become a reply keyboard. */
const MAX_INLINE_CHOICES = 8
/** Labels up to this long fit two to a row. */
const SHORT_LABEL = 18
const MAX_CALLBACK_DATA_BYTES = 64

// Every character MarkdownV2 reserves, and the backslash itself.
const RESERVED = /[_*[\]()~`>#+\-=|{}.!\\]/g

/** Escapes text for parse_mode MarkdownV2, so whatever a citizen wrote shows as written. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(RESERVED, '\\$&')
}

/**
 * Renders a reply for Telegram: escaped text split under the length limit, and on the last part
 * the keyboard. A question that takes a location gets a reply keyboard with a location button
 * (Telegram offers that button only there) above its choices; a few short choices are inline
 * buttons; a long list (departments, municipalities) is a reply keyboard, which scrolls and sends
 * the label as text, matched like typing. Anything else clears an open reply keyboard.
 */
export function renderReply(reply: Reply, labels: { shareLocation: string }): TelegramOutgoing[] {
  const parts = splitEscaped(reply.text)
  const choices = reply.choices ?? []
  const markup = keyboardFor(reply.expects, choices, labels)
  return parts.map((text, i) => ({ text, reply_markup: i === parts.length - 1 ? markup : { remove_keyboard: true } }))
}

function keyboardFor(expects: Reply['expects'], choices: readonly Choice[], labels: { shareLocation: string }): TelegramOutgoing['reply_markup'] {
  if (expects === 'location') {
    return replyKeyboard([[{ text: labels.shareLocation, request_location: true }], ...rows(choices.map((c) => ({ text: c.label })))])
  }
  if (choices.length === 0) return { remove_keyboard: true }
  const fitsInline =
    choices.length <= MAX_INLINE_CHOICES && choices.every((c) => Buffer.byteLength(c.id) <= MAX_CALLBACK_DATA_BYTES)
  if (fitsInline) return { inline_keyboard: rows(choices.map((c) => ({ text: c.label, callback_data: c.id }))) }
  return replyKeyboard(rows(choices.map((c) => ({ text: c.label }))))
}

function replyKeyboard(keyboard: ReplyKeyboardMarkup['keyboard']): ReplyKeyboardMarkup {
  return { keyboard, resize_keyboard: true, one_time_keyboard: true }
}

/** Two buttons a row when every label is short, else one: Telegram cuts long labels short. */
function rows<T extends { text: string }>(buttons: T[]): T[][] {
  const perRow = buttons.every((b) => [...b.text].length <= SHORT_LABEL) ? 2 : 1
  const out: T[][] = []
  for (let i = 0; i < buttons.length; i += perRow) out.push(buttons.slice(i, i + perRow))
  return out
}

/** Escapes and cuts into messages under the limit, never between a backslash and its character. */
function splitEscaped(text: string): string[] {
  const parts: string[] = []
  let current = ''
  for (const char of text) {
    const escaped = escapeMarkdownV2(char)
    if (current.length + escaped.length > MAX_MESSAGE_LENGTH) {
      parts.push(current)
      current = ''
    }
    current += escaped
  }
  if (current !== '' || parts.length === 0) parts.push(current)
  return parts
}
