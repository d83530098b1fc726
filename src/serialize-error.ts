/** What the log keeps of an error: enough to find the fault, nothing a citizen wrote. */
export type SerializedError = { type: string; code?: string; message: string }

const MAX_MESSAGE = 300

// Words after which PostgreSQL quotes a name from the schema, not a value from the query.
const IDENTIFIER_WORDS = new Set([
  'relation',
  'table',
  'column',
  'constraint',
  'index',
  'type',
  'function',
  'schema',
  'database',
  'role',
  'sequence',
  'trigger',
  'view',
  'encoding',
  'extension',
  'operator',
  'savepoint',
  'cursor',
  'statement',
])

/**
 * One line of an error message with anything that may be data taken out: values PostgreSQL quotes
 * (`invalid input syntax for type uuid: "…"`), and the path and query of URLs (a Bot API file URL
 * carries the bot token).
 */
export function safeMessageLine(message: string): string {
  const line = (message.split(/\r?\n/, 1)[0] ?? '').trim()
  const masked = line
    .replace(/\b(https?:\/\/[^/\s"']+)[^\s"']*/g, '$1/…')
    .replace(/(\b[\w-]+\s+)?"[^"]*"/g, (match: string, before: string | undefined) =>
      before !== undefined && IDENTIFIER_WORDS.has(before.trim().toLowerCase()) ? match : `${before ?? ''}"…"`,
    )
  return masked.length > MAX_MESSAGE ? `${masked.slice(0, MAX_MESSAGE)}…` : masked
}

function stringCode(value: unknown): string | undefined {
  if (typeof value === 'string' && /^[\w.-]{1,40}$/.test(value)) return value
  if (typeof value === 'number' && Number.isInteger(value)) return String(value)
  return undefined
}

/** `insert into "cases"`: the kind of statement and its table, written by our code, never data. */
function statementOf(query: string): string {
  const verb = /^\s*(insert into|update|delete from|select|with)\b/i.exec(query)?.[1]?.toLowerCase()
  if (!verb) return 'query'
  const table = (verb === 'select' ? /\bfrom\s+("\w+")/i : /^\s*(?:insert into|update|delete from)\s+("\w+")/i).exec(query)?.[1]
  return table ? `${verb} ${table}` : verb
}

/**
 * drizzle wraps a driver's error as "Failed query: <sql>\nparams: <every value>", the driver's own
 * error in `cause`: keep the statement's verb and table, and the database's code and message.
 */
function drizzleQueryError(error: Error & { query?: unknown; cause?: unknown }): SerializedError {
  const what = statementOf(typeof error.query === 'string' ? error.query : '')
  const cause = error.cause instanceof Error ? error.cause : undefined
  const code = stringCode((cause as { code?: unknown } | undefined)?.code)
  const message = `failed ${what}${cause ? `: ${safeMessageLine(cause.message)}` : ''}`
  return code === undefined ? { type: error.constructor.name, message } : { type: error.constructor.name, code, message }
}

/**
 * The log's serializer for errors (pino `serializers.err`): the class name, the code and the first
 * line of the message. No stack, no `cause` chain and no other property: postgres.js errors carry
 * the query's `parameters`, PostgreSQL's `detail` the failing row, and drizzle's message every
 * parameter of the statement — a whole complaint with names, phones and DPI.
 */
export function serializeError(value: unknown): SerializedError {
  if (value instanceof Error) {
    if (value.constructor.name === 'DrizzleQueryError' || ('query' in value && 'params' in value && 'cause' in value)) {
      return drizzleQueryError(value)
    }
    const code = stringCode((value as { code?: unknown }).code)
    const message = safeMessageLine(value.message)
    return code === undefined ? { type: value.constructor.name, message } : { type: value.constructor.name, code, message }
  }
  if (typeof value === 'string') return { type: 'string', message: safeMessageLine(value) }
  return { type: value === null ? 'null' : typeof value, message: '' }
}
