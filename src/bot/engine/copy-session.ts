import type { Json, Session } from './types.js'

/**
 * A deep copy of a session, for step() to change while the caller keeps the one it gave. The
 * variables are JSON (SessionSchema), so copying them needs none of structuredClone's machinery,
 * which serialises the whole value and costs several times more on a step's few variables.
 */
export function copySession(session: Session): Session {
  return { ...session, vars: copyRecord(session.vars) }
}

function copyJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyJson)
  return copyRecord(value)
}

function copyRecord(record: Record<string, Json>): Record<string, Json> {
  const copy: Record<string, Json> = {}
  for (const key of Object.keys(record)) {
    const value = copyJson(record[key] as Json)
    // a variable named "__proto__" stays a variable, as structuredClone keeps it, not the copy's prototype
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
    else copy[key] = value
  }
  return copy
}
