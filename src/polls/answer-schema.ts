import { z } from 'zod'
import type { Question } from './poll-definition.js'

/** Ids given once each: a ranking or a multiple choice that names an option twice is refused. */
const distinct = (ids: readonly string[]) => new Set(ids).size === ids.length

/**
 * The shape a stored answer to this question must have. The engine already reads answers this
 * way; the check is repeated where answers are written because a poll may change meaning between
 * the question and the answer (never after opening, but the database must not trust that).
 */
export function answerSchema(question: Question): z.ZodType<string | number | string[]> {
  switch (question.kind) {
    case 'single':
      return z.enum(question.options.map((o) => o.id))
    case 'multiple': {
      const alone = new Set(question.options.filter((o) => o.exclusive === true).map((o) => o.id))
      return z
        .array(z.enum(question.options.map((o) => o.id)))
        .min(1)
        .max(question.max)
        .refine(distinct, 'options repeated')
        .refine((ids) => ids.length === 1 || !ids.some((id) => alone.has(id)), 'an exclusive option goes alone')
    }
    case 'scale':
      // a pressed step arrives as its option id, the number as text
      return z.preprocess((v) => (typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : v), z.number().int().min(question.min).max(question.max))
    case 'text':
      return z.string().trim().min(1).max(question.maxLength)
    case 'ranking':
      return z
        .array(z.enum(question.options.map((o) => o.id)))
        .length(question.top ?? question.options.length)
        .refine(distinct, 'options repeated')
  }
}
