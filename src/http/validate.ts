import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { problem } from './problem.js'
import { findUnsafeText } from './unsafe-text.js'

/**
 * zod validation for a request part that answers a problem document naming each bad field,
 * instead of the validator's default body. A NUL or a lone surrogate anywhere in the part is
 * refused here too, naming its field: the database would refuse it later with a 500.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    // `data` is what zod made of the part, or the part as it came when zod refused it
    const unsafe = findUnsafeText(result.data)
    if (unsafe !== null) {
      const message = 'must not contain NUL characters or unpaired UTF-16 surrogates'
      return problem(c, 400, `invalid ${target}: ${unsafe} ${message}`, [{ path: unsafe === '(root)' ? '' : unsafe, message }])
    }
    if (!result.success) {
      const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
      return problem(c, 400, `invalid ${target}: ${errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`, errors)
    }
    return undefined
  })
}
