import { and, count, countDistinct, eq, isNotNull } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { pollAnswers, pollInvitations, type PollStatus, type ResultsVisibility } from '../db/schema/index.js'
import { aggregate, ratio, type QuestionResult } from './aggregate.js'
import { localized } from './poll-definition.js'
import { getPoll } from './poll-store.js'

/** Participation and answers of one slice of the audience (everyone, or one municipality). */
export type ResultsSlice = {
  invited: number
  respondents: number
  completed: number
  /** respondents over invited */
  responseRate: number
  questions: QuestionResult[]
}

export type PollResults = ResultsSlice & {
  pollId: string
  title: string
  status: PollStatus
  resultsVisibility: ResultsVisibility
  closesAt: Date
  /** present when the audience spans several municipalities */
  byMunicipality?: (ResultsSlice & { municipalityCode: string | null })[]
  /** present when the poll set one: respondents needed, and whether as many answered */
  quorum?: { required: number; reached: boolean }
}

export type ResultsOptions = { locale?: string; withTexts: boolean }

/** A poll's results so far (or final, once closed). Free texts only when `withTexts` (admins). */
export async function pollResults(db: DbOrTx, pollId: string, options: ResultsOptions): Promise<PollResults> {
  const locale = options.locale ?? 'es'
  const poll = await getPoll(db, pollId)
  const answers = await db
    .select({
      questionId: pollAnswers.questionId,
      contactId: pollAnswers.contactId,
      value: pollAnswers.value,
      municipalityCode: pollAnswers.municipalityCode,
    })
    .from(pollAnswers)
    .where(eq(pollAnswers.pollId, pollId))
  const participation = await db
    .select({
      municipalityCode: pollInvitations.municipalityCode,
      invited: count(pollInvitations.invitedAt),
      completed: count(pollInvitations.completedAt),
    })
    .from(pollInvitations)
    .where(eq(pollInvitations.pollId, pollId))
    .groupBy(pollInvitations.municipalityCode)
  const respondents = await db
    .select({ municipalityCode: pollAnswers.municipalityCode, respondents: countDistinct(pollAnswers.contactId) })
    .from(pollAnswers)
    .where(and(eq(pollAnswers.pollId, pollId), isNotNull(pollAnswers.contactId)))
    .groupBy(pollAnswers.municipalityCode)

  const slice = (municipality: string | null | undefined): ResultsSlice => {
    const inSlice = <T extends { municipalityCode: string | null }>(row: T) => municipality === undefined || row.municipalityCode === municipality
    const invited = participation.filter(inSlice).reduce((sum, row) => sum + row.invited, 0)
    const answered = respondents.filter(inSlice).reduce((sum, row) => sum + row.respondents, 0)
    return {
      invited,
      respondents: answered,
      completed: participation.filter(inSlice).reduce((sum, row) => sum + row.completed, 0),
      responseRate: ratio(answered, invited),
      questions: aggregate(poll.definition, answers.filter(inSlice), locale, options.withTexts),
    }
  }
  const municipalities = [...new Set(participation.map((row) => row.municipalityCode))].sort()
  const results: PollResults = {
    pollId,
    title: localized(poll.definition.title, locale),
    status: poll.status,
    resultsVisibility: poll.definition.resultsVisibility,
    closesAt: poll.definition.closesAt,
    ...slice(undefined),
  }
  const { quorum } = poll.definition
  if (quorum !== undefined) results.quorum = { required: quorum, reached: results.respondents >= quorum }
  if (municipalities.length > 1) results.byMunicipality = municipalities.map((code) => ({ municipalityCode: code, ...slice(code) }))
  return results
}
