import type { Json, Reply } from './types.js'

/**
 * What reading a citizen's answer gave: a value to store (plus extra variables such as the label
 * of a choice), or replies that say what was wrong. A wrong answer is data, not an exception.
 */
export type Answer =
  | { ok: true; value: Json; extra: Record<string, Json> }
  | {
      ok: false
      replies: Reply[]
      /** option ids just offered back, so that a following "2" means the second of these */
      offered?: string[]
      /**
       * a list answer in the making (buttons pressed one at a time): variables to keep, and not a
       * wrong answer, so it does not count towards the "you seem stuck" hint
       */
      keep?: Record<string, Json>
    }

/** Session variable holding the ids of the last "did you mean" list; removed once answered. */
export const OFFERED_VAR = '_offered'

/** Forgets the last "did you mean" list: the numbers a citizen types refer to the full list again. */
export function forgetOffered(vars: Record<string, Json>): void {
  // asked first: most steps have none to forget, and a delete that finds nothing still costs
  if (Object.hasOwn(vars, OFFERED_VAR)) Reflect.deleteProperty(vars, OFFERED_VAR)
}

/** Session variable holding the options pressed so far on a list question (multiple choice, ranking). */
export const PICKED_VAR = '_picked'

/** Forgets the options pressed so far: a new question starts with none. */
export function forgetPicked(vars: Record<string, Json>): void {
  // asked first: most steps have none to forget, and a delete that finds nothing still costs
  if (Object.hasOwn(vars, PICKED_VAR)) Reflect.deleteProperty(vars, PICKED_VAR)
}

/** An accepted answer. */
export function accepted(value: Json, extra: Record<string, Json> = {}): Answer {
  return { ok: true, value, extra }
}

/** Not an answer yet: a press added to a list answer; the question is shown again as it stands. */
export function pending(replies: Reply[], keep: Record<string, Json>): Answer {
  return { ok: false, replies, keep }
}

/** A refused answer, with what to tell the citizen. */
export function refused(replies: Reply[], offered?: string[]): Answer {
  return offered === undefined ? { ok: false, replies } : { ok: false, replies, offered }
}
