import { and, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { polls, type PollStatus, type ResultsVisibility } from '../db/schema/index.js'
import { DomainError, NotFoundError } from '../domain-errors.js'
import type { QuestionResult } from './aggregate.js'
import { localized, type PollDefinition } from './poll-definition.js'
import { pollResults } from './poll-results.js'
import { getPoll } from './poll-store.js'
import { type PollPublication, PollPublicationSchema, type PublishedCount, publishResults, type StoredQuestion, type StoredSlice } from './publish-results.js'

/** The smallest count published as is when nothing else is configured (STATS_MIN_CELL). */
export const DEFAULT_POLL_MIN_CELL = 5

export type PublishedOption = {
  id: string
  label: string
  count: PublishedCount
  share?: number
  borda?: number
  firstPlaces?: PublishedCount
  /** rankings: shared by options with equal points */
  rank?: number
  tied?: boolean
}
export type PublishedQuestion = {
  id: string
  kind: QuestionResult['kind']
  text: string
  responses: PublishedCount
  /** too few answered it here (or so few elsewhere that these had to go too) */
  withheld: boolean
  options?: PublishedOption[]
  /** `mean` is null when a count behind it is withheld */
  scale?: { mean: number | null; distribution: { value: number; count: PublishedCount; share?: number }[] }
}
export type PublishedSlice = {
  invited: number
  respondents: PublishedCount
  completed?: number
  responseRate?: number
  withheld: boolean
  questions: PublishedQuestion[]
}
/** Results as participants and the public see them: the stored publication, in one language. */
export type PublishedResults = PublishedSlice & {
  pollId: string
  title: string
  status: PollStatus
  resultsVisibility: ResultsVisibility
  closesAt: Date
  minCell: number
  publishedAt: Date
  byMunicipality?: (PublishedSlice & { municipalityCode: string | null })[]
  quorum?: { required: number; reached: boolean | null }
}

export type PublishedOptions = { locale?: string; minCell?: number; now: Date }

/**
 * The published results of a closed poll, computed the first time they are asked for and stored
 * with the poll, so that a member who later says "borrar mis datos" (which deletes their answers)
 * does not turn two readings into their ballot. Only closed polls publish: results that change
 * with every answer would show each answer as it comes.
 */
export async function publishedResults(db: DbOrTx, pollId: string, options: PublishedOptions): Promise<PublishedResults> {
  const poll = await getPoll(db, pollId)
  if (poll.status !== 'closed') throw new DomainError(`poll ${pollId} is ${poll.status}: results are published when it closes`)
  const publication = (await storedPublication(db, pollId)) ?? (await publish(db, pollId, options))
  const locale = options.locale ?? 'es'
  const slice = (stored: StoredSlice): PublishedSlice => ({ ...stored, questions: stored.questions.map((q) => renderQuestion(poll.definition, q, locale)) })
  const results: PublishedResults = {
    pollId,
    title: localized(poll.definition.title, locale),
    status: poll.status,
    resultsVisibility: poll.definition.resultsVisibility,
    closesAt: poll.definition.closesAt,
    minCell: publication.minCell,
    publishedAt: publication.publishedAt,
    ...slice(publication.total),
  }
  if (publication.quorum) results.quorum = publication.quorum
  if (publication.byMunicipality) results.byMunicipality = publication.byMunicipality.map((s) => ({ ...slice(s), municipalityCode: s.municipalityCode ?? null }))
  return results
}

/** The stored publication lives beside the definition, in the same JSON column (no new table). */
async function storedPublication(db: DbOrTx, pollId: string): Promise<PollPublication | undefined> {
  const [row] = await db.select({ publication: sql<unknown>`${polls.definition} -> 'publication'` }).from(polls).where(eq(polls.id, pollId))
  if (!row) throw new NotFoundError('poll', pollId)
  if (row.publication === null || row.publication === undefined) return undefined
  // postgres.js hands raw jsonb back as text, PGlite as a value
  return PollPublicationSchema.parse(typeof row.publication === 'string' ? JSON.parse(row.publication) : row.publication)
}

async function publish(db: DbOrTx, pollId: string, options: PublishedOptions): Promise<PollPublication> {
  const exact = await pollResults(db, pollId, { withTexts: false })
  const publication = publishResults(exact, options.minCell ?? DEFAULT_POLL_MIN_CELL, options.now)
  // the first writer wins: a second reader at the same moment keeps what the first stored
  await db
    .update(polls)
    .set({ definition: sql`${polls.definition} || jsonb_build_object('publication', ${JSON.stringify(publication)}::jsonb)` })
    .where(and(eq(polls.id, pollId), sql`${polls.definition} -> 'publication' is null`))
  const stored = await storedPublication(db, pollId)
  if (!stored) throw new Error(`the publication of poll ${pollId} was not stored`)
  return stored
}

function renderQuestion(definition: PollDefinition, stored: StoredQuestion, locale: string): PublishedQuestion {
  const question = definition.questions.find((q) => q.id === stored.id)
  if (!question) throw new Error(`the publication names a question the poll does not have: ${stored.id}`)
  const labels = new Map('options' in question ? question.options.map((o) => [o.id, localized(o.label, locale)]) : [])
  const rendered: PublishedQuestion = { id: stored.id, kind: question.kind, text: localized(question.text, locale), responses: stored.responses, withheld: stored.withheld }
  if (stored.options) rendered.options = stored.options.map((o) => ({ ...o, label: labels.get(o.id) ?? o.id }))
  if (stored.scale) rendered.scale = stored.scale
  return rendered
}
