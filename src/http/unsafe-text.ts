/**
 * NUL and lone UTF-16 surrogates. PostgreSQL refuses both in text and jsonb (a NUL in a complaint
 * used to answer 500 and log the whole session), and neither is anything a person meant to write.
 */
// eslint-disable-next-line no-control-regex -- finding the control character is the point
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** Whether a string holds a NUL or a lone surrogate. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE.test(text)
}

/**
 * The path (`media.mimeType`, `items.2`) of the first string, or object key, in a parsed value that
 * holds a NUL or a lone surrogate; `(root)` for the value itself; null when there is none.
 */
export function findUnsafeText(value: unknown, path: readonly (string | number)[] = []): string | null {
  const here = () => (path.length === 0 ? '(root)' : path.join('.'))
  if (typeof value === 'string') return hasUnsafeText(value) ? here() : null
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeText(item, [...path, index])
      if (found !== null) return found
    }
    return null
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (hasUnsafeText(key)) return [...path, stripUnsafeText(key)].join('.') || '(root)'
      const found = findUnsafeText(item, [...path, key])
      if (found !== null) return found
    }
  }
  return null
}

/** The text with every NUL and lone surrogate removed. */
export function stripUnsafeText(text: string): string {
  return hasUnsafeText(text) ? text.replace(UNSAFE_ALL, '') : text
}

/**
 * A copy of a parsed value (JSON, or an InboundMessage) with every string and key stripped; other
 * objects (dates, buffers) are kept as they are. For platform webhooks, which would retry a 400
 * forever: what a citizen wrote is kept, minus the characters no database stores.
 */
export function stripUnsafeDeep<T>(value: T): T {
  if (typeof value === 'string') return stripUnsafeText(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => stripUnsafeDeep(item)) as T
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [stripUnsafeText(key), stripUnsafeDeep(item)])) as T
  }
  return value
}
