import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { ZodType } from 'zod'
import { problem } from './problem.js'

/**
 * zod validation for a request part that answers a problem document naming each bad field,
 * instead of the validator's default body.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const errors = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
      return problem(c, 400, `invalid ${target}: ${errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`, errors)
    }
    return undefined
  })
}
