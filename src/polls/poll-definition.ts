import { z } from 'zod'
import { RESULTS_VISIBILITIES } from '../db/schema/index.js'

/** A text in several languages; Spanish is required, as it is the fallback for every contact. */
export const LocalizedTextSchema = z
  .record(z.string().regex(/^[a-z]{2}$/, 'a two-letter language code'), z.string().trim().min(1).max(1000))
  .refine((text) => text['es'] !== undefined, { message: 'needs a Spanish ("es") text' })
export type LocalizedText = z.infer<typeof LocalizedTextSchema>

/** an ISO 8601 instant with its offset (`2027-01-14T08:00:00-06:00`) */
const InstantSchema = z.iso.datetime({ offset: true }).transform((text) => new Date(text))

const IdSchema = z.string().regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and _, at most 40')

export const PollOptionSchema = z.object({
  id: IdSchema,
  label: LocalizedTextSchema,
  /** multiple choice only: an answer that goes alone ("Ninguno", "No sé") */
  exclusive: z.boolean().optional(),
})
export type PollOption = z.infer<typeof PollOptionSchema>

const OptionsSchema = z.array(PollOptionSchema).min(2).max(20)
const base = { id: IdSchema, text: LocalizedTextSchema }

export const QuestionSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('single'), options: OptionsSchema }),
  z.object({ ...base, kind: z.literal('multiple'), options: OptionsSchema, max: z.number().int().min(1) }),
  z.object({ ...base, kind: z.literal('scale'), min: z.number().int().min(0).max(100), max: z.number().int().min(1).max(100) }),
  z.object({ ...base, kind: z.literal('text'), maxLength: z.number().int().min(1).max(2000).default(500) }),
  /** order the options by preference, or pick the top N in order */
  z.object({ ...base, kind: z.literal('ranking'), options: OptionsSchema, top: z.number().int().min(1).optional() }),
])
export type Question = z.infer<typeof QuestionSchema>
export type QuestionKind = Question['kind']

/** Who is asked: the members of groups, and the subscribers of municipalities. */
export const AudienceSchema = z
  .object({
    groups: z.array(z.uuid()).max(100).default([]),
    municipalities: z.array(z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code')).max(400).default([]),
  })
  .refine((audience) => audience.groups.length + audience.municipalities.length > 0, {
    message: 'name at least one group or municipality',
  })
export type Audience = z.infer<typeof AudienceSchema>

/** A poll as an admin writes it (the API body), checked for what zod alone cannot say. */
export const PollDefinitionSchema = z
  .object({
    title: LocalizedTextSchema,
    /** a sentence before the first question: what it is for, who asks */
    intro: LocalizedTextSchema.optional(),
    questions: z.array(QuestionSchema).min(1).max(30),
    audience: AudienceSchema,
    opensAt: InstantSchema,
    closesAt: InstantSchema,
    /** when those who have not finished are reminded; none when left out */
    remindAt: InstantSchema.optional(),
    resultsVisibility: z.enum(RESULTS_VISIBILITIES),
    /** close as soon as every member still in the audience has answered everything */
    closeWhenComplete: z.boolean().optional(),
    /** respondents needed for the mesa to take the result as valid; the results say whether it was reached */
    quorum: z.number().int().min(1).max(1_000_000).optional(),
  })
  .superRefine((poll, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
    if (poll.closesAt <= poll.opensAt) issue(['closesAt'], 'must be after opensAt')
    if (poll.remindAt && (poll.remindAt <= poll.opensAt || poll.remindAt >= poll.closesAt)) {
      issue(['remindAt'], 'must fall between opensAt and closesAt')
    }
    const ids = poll.questions.map((q) => q.id)
    ids.forEach((id, i) => ids.indexOf(id) !== i && issue(['questions', i, 'id'], `question id "${id}" is used twice`))
    poll.questions.forEach((question, i) => {
      if (question.kind === 'scale' && question.max <= question.min) issue(['questions', i, 'max'], 'must be greater than min')
      if (question.kind === 'scale' && question.max - question.min > 10) issue(['questions', i, 'max'], 'a scale has at most 11 steps')
      if (!('options' in question)) return
      const optionIds = question.options.map((o) => o.id)
      optionIds.forEach((id, j) => optionIds.indexOf(id) !== j && issue(['questions', i, 'options', j, 'id'], `option id "${id}" is used twice`))
      if (question.kind === 'multiple' && question.max > question.options.length) issue(['questions', i, 'max'], 'more than there are options')
      question.options.forEach((option, j) => {
        if (option.exclusive === true && question.kind !== 'multiple') issue(['questions', i, 'options', j, 'exclusive'], 'only a multiple choice has exclusive options')
      })
      if (question.kind === 'ranking' && question.top !== undefined && question.top > question.options.length) {
        issue(['questions', i, 'top'], 'more than there are options')
      }
    })
  })
export type PollDefinition = z.infer<typeof PollDefinitionSchema>

/** The text in the contact's language, else Spanish. */
export function localized(text: LocalizedText, locale: string): string {
  return text[locale] ?? text['es'] ?? Object.values(text)[0] ?? ''
}
