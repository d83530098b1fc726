import { z } from 'zod'
import { localized, type PollDefinition, type Question } from './poll-definition.js'

/** One stored answer, as results need it. */
export type AnswerRow = { questionId: string; contactId: string; value: unknown; municipalityCode: string | null }

export type OptionResult = {
  id: string
  label: string
  count: number
  /** of those who answered the question; for multiple choice the shares add up to more than 1 */
  share: number
  /** rankings only: truncated Borda points (m-1 for a first place of m options, m-2 for a second …, unranked 0) */
  borda?: number
  /** rankings only: how many put it first */
  firstPlaces?: number
  /** rankings only: 1 for the most points; options with equal points share a rank (1, 1, 3) */
  rank?: number
  /** rankings only: another option has exactly as many points */
  tied?: boolean
}

export type QuestionResult = {
  id: string
  kind: Question['kind']
  text: string
  responses: number
  options?: OptionResult[]
  scale?: { mean: number | null; distribution: { value: number; count: number; share: number }[] }
  /** free-text answers; only in results for admins */
  texts?: string[]
}

const IdsSchema = z.array(z.string())

/**
 * Counts the answers to each question: shares per option, Borda points and first places for a
 * ranking, mean and distribution for a scale, the texts themselves when `withTexts`. Answers that
 * do not fit their question (none should) are left out rather than miscounted.
 */
export function aggregate(definition: PollDefinition, answers: readonly AnswerRow[], locale: string, withTexts: boolean): QuestionResult[] {
  return definition.questions.map((question) => {
    const values = answers.filter((a) => a.questionId === question.id).map((a) => a.value)
    const base = { id: question.id, kind: question.kind, text: localized(question.text, locale) }
    switch (question.kind) {
      case 'single':
      case 'multiple': {
        const picks = values.map((v) => (question.kind === 'single' ? z.string().safeParse(v) : IdsSchema.safeParse(v)))
        const lists = picks.flatMap((p) => (p.success ? [typeof p.data === 'string' ? [p.data] : p.data] : []))
        return { ...base, responses: lists.length, options: question.options.map((o) => optionResult(o, lists, locale)) }
      }
      case 'ranking': {
        const lists = values.flatMap((v) => {
          const parsed = IdsSchema.safeParse(v)
          return parsed.success ? [parsed.data] : []
        })
        const m = question.options.length
        const options = question.options.map((o) => ({
          ...optionResult(o, lists, locale),
          borda: lists.reduce((sum, list) => sum + bordaPoints(list, o.id, m), 0),
          firstPlaces: lists.filter((list) => list[0] === o.id).length,
        }))
        return { ...base, responses: lists.length, options: rankedByPoints(options) }
      }
      case 'scale': {
        const numbers = values.flatMap((v) => (typeof v === 'number' ? [v] : []))
        const steps = Array.from({ length: question.max - question.min + 1 }, (_, i) => question.min + i)
        const mean = numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length
        const distribution = steps.map((value) => {
          const count = numbers.filter((n) => n === value).length
          return { value, count, share: ratio(count, numbers.length) }
        })
        return { ...base, responses: numbers.length, scale: { mean, distribution } }
      }
      case 'text': {
        const texts = values.flatMap((v) => (typeof v === 'string' ? [v] : []))
        return withTexts ? { ...base, responses: texts.length, texts } : { ...base, responses: texts.length }
      }
    }
  })
}

/**
 * Truncated Borda points of an option in one ballot of a question with `optionCount` (m) options:
 * m-1 for first place, m-2 for second …, 0 when unranked. Points count from the number of options,
 * not the ballot's length, so a top-2 ballot still gives its second place more than the unranked
 * (scoring from the ballot's length gave a top-1 ballot's choice 0). This is the usual "pessimistic"
 * treatment of truncated ballots: ranked options score as in a full Borda count, unranked nothing.
 */
export function bordaPoints(ballot: readonly string[], optionId: string, optionCount: number): number {
  const position = ballot.indexOf(optionId)
  return position === -1 ? 0 : Math.max(0, optionCount - 1 - position)
}

/**
 * Most points first, with equal points marked as a tie and given the same rank (competition
 * ranking: 1, 1, 3). A tie is not broken by first places or any other rule: the mesa decides,
 * not an ordering the participants never voted on. Among tied options the poll's order stays.
 */
export function rankedByPoints<T extends { borda: number }>(options: readonly T[]): (T & { rank: number; tied: boolean })[] {
  const ordered = [...options].sort((a, b) => b.borda - a.borda)
  return ordered.map((option) => ({
    ...option,
    rank: 1 + ordered.filter((other) => other.borda > option.borda).length,
    tied: ordered.some((other) => other !== option && other.borda === option.borda),
  }))
}

function optionResult(option: { id: string; label: Record<string, string> }, lists: readonly string[][], locale: string): OptionResult {
  const count = lists.filter((list) => list.includes(option.id)).length
  return { id: option.id, label: localized(option.label, locale), count, share: ratio(count, lists.length) }
}

/** A share rounded to four decimals; 0 of nothing is 0. */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000
}
