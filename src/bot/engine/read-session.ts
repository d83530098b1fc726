import { util } from 'zod/v4/core'
import type { Json, Session } from './types.js'

/**
 * A stored session read without zod's machinery, for SessionSchema's common case: a well-formed
 * session, read back from the database on every message. Returns what SessionSchema's shape gives
 * (fresh objects, unknown keys dropped, `retries` 0 when missing) or undefined when it cannot be
 * sure: then the caller asks zod, which decides, so nothing zod refuses is ever taken here.
 *
 * Why: the variables are `Json`, a recursive union; zod 4.6 parses every object and array in a
 * recursive schema through its cycle memoizer (weak maps per parse), which cost more than the
 * rest of a step did (bench:engine).
 */
export function readSession(value: unknown): Session | undefined {
  // zod's object takes any object; a session read back from JSON is a plain one
  if (!util.isPlainObject(value)) return undefined
  const { flowId, nodeId, waiting, vars, locale, lastActivityAt, retries: stored } = value
  // the default stands in for a missing count only: null is refused
  const retries = stored === undefined ? 0 : stored
  if (!isNullableString(flowId) || !isNullableString(nodeId) || !isNullableString(lastActivityAt)) return undefined
  if (waiting !== 'input' && waiting !== 'effect' && waiting !== 'none') return undefined
  if (typeof locale !== 'string' || typeof retries !== 'number' || !Number.isSafeInteger(retries) || retries < 0) return undefined
  const copied = copyRecord(vars)
  if (copied === undefined) return undefined
  // the keys in SessionSchema's order, as zod writes them
  return { flowId, nodeId, waiting, vars: copied, locale, lastActivityAt, retries }
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string'
}

/** A copy of a JSON value as JsonSchema would give it, or undefined where zod must judge. */
function copyJson(value: unknown): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : undefined
    case 'object':
      if (value === null) return null
      if (Array.isArray(value)) return copyArray(value)
      return copyRecord(value)
    default:
      return undefined
  }
}

function copyArray(array: readonly unknown[]): Json[] | undefined {
  const copy: Json[] = []
  for (let i = 0; i < array.length; i++) {
    const item = copyJson(array[i])
    if (item === undefined) return undefined
    copy.push(item)
  }
  return copy
}

/**
 * zod's record takes a plain object's own enumerable string keys; it drops "__proto__" and refuses
 * symbol keys. Those are left to zod (undefined), and so is an object that is not plain.
 */
function copyRecord(record: unknown): Record<string, Json> | undefined {
  if (!util.isPlainObject(record) || Object.getOwnPropertySymbols(record).length > 0) return undefined
  const copy: Record<string, Json> = {}
  for (const key of Object.keys(record)) {
    if (key === '__proto__') return undefined
    const item = copyJson(record[key])
    if (item === undefined) return undefined
    copy[key] = item
  }
  return copy
}
