import type { Condition, Json } from './types.js'

type Vars = Record<string, Json>

/** Reads a session variable; a dotted path ("case.code") reads into an effect result. */
export function readVar(vars: Readonly<Vars>, path: string): Json | undefined {
  if (Object.hasOwn(vars, path)) return vars[path]
  let value: Json | undefined = vars
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined
    value = value[part]
  }
  return value
}

/** The variables a condition reads: the session's, and the conversation's facts under `$`. */
export function conditionScope(vars: Readonly<Vars>, facts: Readonly<Vars> | undefined): Vars {
  return { ...vars, $: { ...facts } }
}

/** Whether a branch condition holds; null counts as unset, as a lookup answers "no note" with null. */
export function holds(condition: Condition, vars: Readonly<Vars>): boolean {
  const value = readVar(vars, condition.var)
  if ('present' in condition) return (value !== undefined && value !== null) === condition.present
  return value !== undefined && condition.in.some((candidate) => sameJson(candidate, value))
}

function sameJson(a: Json, b: Json): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
  return JSON.stringify(a) === JSON.stringify(b)
}
