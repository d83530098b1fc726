import { z } from 'zod'
import { ratio, type QuestionResult } from './aggregate.js'
import type { PollResults, ResultsSlice } from './poll-results.js'
import { type LinkedGroup, type Mark, unresolved, visibleSlices, withholdLinked } from './withhold-linked.js'

/** A published count: the number, "<k" (too small) or "x" (withheld so a small one cannot be worked out). */
export const PublishedCountSchema = z.union([z.number().int(), z.string()])
export type PublishedCount = z.infer<typeof PublishedCountSchema>

const StoredOptionSchema = z.object({
  id: z.string(),
  count: PublishedCountSchema,
  share: z.number().optional(),
  borda: z.number().optional(),
  firstPlaces: PublishedCountSchema.optional(),
  rank: z.number().int().optional(),
  tied: z.boolean().optional(),
})
const StoredQuestionSchema = z.object({
  id: z.string(),
  responses: PublishedCountSchema,
  withheld: z.boolean(),
  options: z.array(StoredOptionSchema).optional(),
  scale: z
    .object({ mean: z.number().nullable(), distribution: z.array(z.object({ value: z.number(), count: PublishedCountSchema, share: z.number().optional() })) })
    .optional(),
})
const StoredSliceSchema = z.object({
  municipalityCode: z.string().nullable().optional(),
  invited: z.number().int(),
  respondents: PublishedCountSchema,
  completed: z.number().int().optional(),
  responseRate: z.number().optional(),
  withheld: z.boolean(),
  questions: z.array(StoredQuestionSchema),
})

/**
 * A closed poll's results as published, in no language (ids, not labels): computed once, stored,
 * and the only source of what participants and the public see, so two readings cannot differ.
 */
export const PollPublicationSchema = z.object({
  publishedAt: z.iso.datetime().transform((text) => new Date(text)),
  minCell: z.number().int(),
  total: StoredSliceSchema,
  byMunicipality: z.array(StoredSliceSchema).optional(),
  /** `reached` is null where saying it would bound a withheld count of respondents */
  quorum: z.object({ required: z.number().int(), reached: z.boolean().nullable() }).optional(),
})
export type PollPublication = z.infer<typeof PollPublicationSchema>
export type StoredSlice = z.infer<typeof StoredSliceSchema>
export type StoredQuestion = z.infer<typeof StoredQuestionSchema>

const show = (value: number, mark: Mark | undefined, k: number): PublishedCount => (mark === 'small' ? `<${k}` : mark === 'complementary' ? 'x' : value)

/**
 * The publication of exact results: slices (municipalities) with fewer than k respondents are
 * omitted, and more of them while the omitted ones together hold fewer than k (the total minus the
 * shown slices gives their sum); the same per question; within a question, counts are withheld
 * with the linked rule across the total, the slices and the omitted remainder, so no count below k
 * can be subtracted out; a scale's mean and an option's share go with the counts behind them.
 * Free texts are never in it. Pure.
 */
export function publishResults(exact: PollResults, k: number, now: Date): z.input<typeof PollPublicationSchema> {
  const slices = exact.byMunicipality ?? []
  const totalMark = visibleSlices([exact.respondents], k)[0] ?? 'shown'
  const sliceMarks = visibleSlices(
    slices.map((s) => s.respondents),
    k,
    slices.map(() => totalMark !== 'shown'),
  )
  const totalQuestions: StoredQuestion[] = []
  const sliceQuestions: StoredQuestion[][] = slices.map(() => [])
  exact.questions.forEach((question, qi) => {
    const inSlices = slices.map((s) => s.questions[qi] ?? emptyLike(question))
    const tMark = totalMark === 'shown' ? (visibleSlices([question.responses], k)[0] ?? 'shown') : 'complementary'
    const qMarks = visibleSlices(
      inSlices.map((q) => q.responses),
      k,
      sliceMarks.map((m) => m !== 'shown' || tMark !== 'shown'),
    )
    const shownRows = inSlices.flatMap((q, i) => (qMarks[i] === 'shown' ? [q] : []))
    const hiddenRows = inSlices.filter((_, i) => qMarks[i] !== 'shown')
    const rows = tMark === 'shown' ? [question, ...shownRows, ...(hiddenRows.length > 0 ? [sumOf(question, hiddenRows)] : [])] : []
    // where the linked table cannot be protected, the question is published for the total alone
    const linked = publishQuestion(rows, slices.length > 0, k)
    const published = linked ?? publishQuestion(rows.slice(0, 1), false, k) ?? []
    totalQuestions.push(published[0] ?? withheldQuestion(question, tMark, k))
    let next = 1
    inSlices.forEach((q, i) => {
      const mark = linked ? (qMarks[i] ?? 'shown') : 'complementary'
      sliceQuestions[i]?.push(mark === 'shown' ? (published[next++] ?? withheldQuestion(q, 'complementary', k)) : withheldQuestion(q, mark, k))
    })
  })
  const sliceOut = (slice: ResultsSlice, mark: Mark, questions: StoredQuestion[]): StoredSlice =>
    mark === 'shown'
      ? { invited: slice.invited, respondents: slice.respondents, completed: slice.completed, responseRate: slice.responseRate, withheld: false, questions }
      : { invited: slice.invited, respondents: show(slice.respondents, mark, k), withheld: true, questions: [] }
  const quorum = exact.quorum && {
    required: exact.quorum.required,
    // with fewer than k respondents, "reached" would say there were at least `required`
    reached: totalMark === 'shown' || exact.quorum.required >= k ? exact.quorum.reached : null,
  }
  const publication = { publishedAt: now.toISOString(), minCell: k, total: sliceOut(exact, totalMark, totalQuestions), ...(quorum ? { quorum } : {}) }
  if (!exact.byMunicipality) return publication
  return {
    ...publication,
    byMunicipality: slices.map((s, i) => ({ municipalityCode: s.municipalityCode, ...sliceOut(s, sliceMarks[i] ?? 'shown', sliceQuestions[i] ?? []) })),
  }
}

function withheldQuestion(q: QuestionResult, mark: Mark, k: number): StoredQuestion {
  return { id: q.id, responses: show(q.responses, mark === 'shown' ? 'complementary' : mark, k), withheld: true }
}

function emptyLike(q: QuestionResult): QuestionResult {
  return { ...q, responses: 0, options: q.options?.map((o) => ({ ...o, count: 0, share: 0, ...(o.borda === undefined ? {} : { borda: 0, firstPlaces: 0 }) })) }
}

/** The omitted slices added up: not published, but derivable as the total minus the shown slices. */
function sumOf(like: QuestionResult, rows: readonly QuestionResult[]): QuestionResult {
  const add = (pick: (q: QuestionResult) => number) => rows.reduce((sum, q) => sum + pick(q), 0)
  return {
    ...like,
    responses: add((q) => q.responses),
    options: like.options?.map((o) => ({
      ...o,
      count: add((q) => q.options?.find((p) => p.id === o.id)?.count ?? 0),
      firstPlaces: add((q) => q.options?.find((p) => p.id === o.id)?.firstPlaces ?? 0),
      share: 0,
    })),
    scale: like.scale && {
      mean: null,
      distribution: like.scale.distribution.map((step, j) => ({ ...step, count: add((q) => q.scale?.distribution[j]?.count ?? 0) })),
    },
  }
}

/**
 * Withholds the counts of one question over its rows (the total first, then shown slices, then the
 * omitted remainder when `linked`), and returns the published questions of the rows; undefined
 * when some count could still be worked out.
 */
function publishQuestion(rows: readonly QuestionResult[], linked: boolean, k: number): StoredQuestion[] | undefined {
  const first = rows[0]
  if (!first) return []
  const table = new Tables(k)
  const out = questionRows(rows, linked, table)
  return table.stuck ? undefined : out
}

/** Runs the withholding of each table of a question and remembers whether one stayed unprotected. */
class Tables {
  stuck = false
  constructor(readonly k: number) {}
  /** Rows of cells that add up to the row's responses, and columns (when `linked`) to the total row's cell. */
  partition(table: readonly (readonly number[])[], linked: boolean): Mark[][] {
    const width = table[0]?.length ?? 0
    const index = (r: number, j: number) => r * width + j
    const groups: LinkedGroup[] = table.map((_, r) => ({ parts: Array.from({ length: width }, (__, j) => index(r, j)) }))
    if (linked && table.length > 1) {
      for (let j = 0; j < width; j++) groups.push({ whole: index(0, j), parts: table.slice(1).map((_, r) => index(r + 1, j)) })
    }
    const values = table.flat()
    const marks = withholdLinked(values, groups, this.k)
    if (unresolved(values, groups, marks, this.k)) this.stuck = true
    return table.map((_, r) => marks.slice(r * width, (r + 1) * width))
  }
  /** One option's picked and not-picked cells per row; the marks of the picked ones. */
  binary(pairs: readonly [number, number][], linked: boolean): Mark[] {
    return this.partition(pairs, linked).map((row) => row[0] ?? 'shown')
  }
}

function questionRows(rows: readonly QuestionResult[], linked: boolean, tables: Tables): StoredQuestion[] {
  const first = rows[0]
  if (!first) return []
  const k = tables.k
  const ids = first.options?.map((o) => o.id) ?? []
  const countOf = (q: QuestionResult, id: string) => q.options?.find((o) => o.id === id)?.count ?? 0
  const firstOf = (q: QuestionResult, id: string) => q.options?.find((o) => o.id === id)?.firstPlaces ?? 0
  switch (first.kind) {
    case 'single': {
      const marks = tables.partition(rows.map((q) => ids.map((id) => countOf(q, id))), linked)
      return rows.map((q, r) => optionsQuestion(q, ids, marks[r] ?? [], undefined, k))
    }
    case 'multiple':
    case 'ranking': {
      // picked or not, per option: n-1 picks of n is as telling as 1
      const marks = ids.map((id) => tables.binary(rows.map((q) => [countOf(q, id), q.responses - countOf(q, id)]), linked))
      const firsts = first.kind === 'ranking' ? tables.partition(rows.map((q) => ids.map((id) => firstOf(q, id))), linked) : undefined
      return rows.map((q, r) => optionsQuestion(q, ids, ids.map((_, j) => marks[j]?.[r] ?? 'shown'), firsts?.[r], k))
    }
    case 'scale': {
      const marks = tables.partition(rows.map((q) => q.scale?.distribution.map((d) => d.count) ?? []), linked)
      return rows.map((q, r) => {
        const rowMarks = marks[r] ?? []
        const distribution = (q.scale?.distribution ?? []).map((d, j) =>
          rowMarks[j] === 'shown' ? { value: d.value, count: d.count, share: d.share } : { value: d.value, count: show(d.count, rowMarks[j], k) },
        )
        // the mean and the shown counts would solve for two withheld ones
        const mean = rowMarks.every((m) => m === 'shown') ? (q.scale?.mean ?? null) : null
        return { id: q.id, responses: q.responses, withheld: false, scale: { mean, distribution } }
      })
    }
    case 'text':
      return rows.map((q) => ({ id: q.id, responses: q.responses, withheld: false }))
  }
}

function optionsQuestion(q: QuestionResult, ids: readonly string[], marks: readonly Mark[], firsts: readonly Mark[] | undefined, k: number): StoredQuestion {
  const options = ids.map((id, j) => {
    const o = q.options?.find((p) => p.id === id)
    const count = o?.count ?? 0
    const mark = marks[j] ?? 'shown'
    return {
      id,
      count: show(count, mark, k),
      ...(mark === 'shown' ? { share: ratio(count, q.responses) } : {}),
      ...(o?.borda === undefined ? {} : { borda: o.borda, firstPlaces: show(o.firstPlaces ?? 0, firsts?.[j], k) }),
      ...(o?.rank === undefined ? {} : { rank: o.rank, tied: o.tied === true }),
    }
  })
  // keep the order the results gave (a ranking's is by points)
  const order = q.options?.map((o) => o.id) ?? []
  options.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id))
  return { id: q.id, responses: q.responses, withheld: false, options }
}
