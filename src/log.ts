import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * Fields that may hold message text, phone numbers or chat ids. Whatever the call site passes,
 * these never reach the log output.
 */
export const REDACTED_PATHS = [
  'text',
  'body',
  'address',
  'channelUserId',
  'phone',
  'from',
  'to',
  'chatId',
  'description',
  'facility',
  '*.text',
  '*.body',
  '*.address',
  '*.channelUserId',
  '*.phone',
  '*.from',
  '*.to',
  '*.chatId',
  '*.description',
  '*.facility',
]

/** The app's structured logger; pass a destination in tests to read what was logged. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
  return destination ? pino(options, destination) : pino(options)
}
