import { pino, type Logger, type LoggerOptions } from 'pino'
import { serializeError } from './serialize-error.js'

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

/**
 * Keys errors are logged under: ours use `err`; Baileys logs `error`; a `cause` may be passed on.
 * Each keeps only what `serializeError` keeps.
 */
const ERROR_KEYS = ['err', 'error', 'cause'] as const

/** The app's structured logger; pass a destination in tests to read what was logged. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: Object.fromEntries(ERROR_KEYS.map((key) => [key, serializeError])),
    hooks: {
      // `logger.error(error)` would make the whole message (drizzle's has every parameter) the
      // log line's `msg`: log it under `err`, with its first safe line as the message.
      logMethod(args, method) {
        const [first, ...rest] = args
        if (!(first instanceof Error)) return method.apply(this, args)
        const message = typeof rest[0] === 'string' ? rest : [serializeError(first).message, ...rest]
        return method.apply(this, [{ err: first }, ...message] as Parameters<typeof method>)
      },
    },
  } satisfies LoggerOptions
  return destination ? pino(options, destination) : pino(options)
}
