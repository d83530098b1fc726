import { and, count, eq } from 'drizzle-orm'
import type { Json } from '../bot/engine/index.js'
import { guatemalaDate } from '../cases/guatemala-date.js'
import type { DbOrTx } from '../db/client.js'
import { pollAnswers, pollInvitations, polls } from '../db/schema/index.js'
import { answerSchema } from './answer-schema.js'
import { localized } from './poll-definition.js'
import { pollFromRow } from './poll-store.js'
import { otherPendingPolls } from './poll-queue.js'
import { closeIfComplete } from './poll-lifecycle.js'

/**
 * Where a member stands in a poll, as the poll flow reads it: `next` is the first question they
 * have not answered (null when done), `closed` that answers are no longer taken, `rejected` that
 * the answer just given did not fit its question (the flow asks again).
 */
export type PollState = {
  closed: boolean
  rejected: boolean
  /** too many members began this poll from the same web chat client this hour: nothing was stored */
  limited: boolean
  next: string | null
  total: number
  remaining: number
  title: string
  /** YYYY-MM-DD of the closing, in Guatemala */
  closesOn: string
  /** the closing day and hour, in Guatemala, written in the member's language */
  closesAtText: string
  /** other open polls waiting for this member (invited or queued, not finished nor left) */
  pending: number
  morePending: boolean
}

export type RecordAnswersInput = {
  pollId: string
  contactId: string
  answers: Record<string, Json>
  locale: string
  now: Date
  /** asked once per member, before their first answer is stored: false refuses the ballot (a per-client limit) */
  allowBallot?: () => Promise<boolean>
}

/**
 * Records a member's answers (question id -> value) and tells the flow where they stand. Only
 * invited members answer, once per question (the unique index wins over a second try), and only
 * while the poll is open: a late answer is not stored and the flow says so politely.
 */
export async function recordAnswers(db: DbOrTx, input: RecordAnswersInput): Promise<PollState> {
  const { pollId, contactId, now } = input
  const [row] = await db.select().from(polls).where(eq(polls.id, pollId))
  const [invitation] = row
    ? await db.select().from(pollInvitations).where(and(eq(pollInvitations.pollId, pollId), eq(pollInvitations.contactId, contactId)))
    : []
  if (!row || !invitation) {
    return { closed: true, rejected: false, limited: false, next: null, total: 0, remaining: 0, title: '', closesOn: '', closesAtText: '', pending: 0, morePending: false }
  }
  const { definition } = pollFromRow(row)
  const closed = row.status !== 'open' || now.getTime() >= row.closesAt.getTime() || invitation.withdrawnAt !== null

  let rejected = false
  const limited =
    !closed && Object.keys(input.answers).length > 0 && invitation.startedAt === null && input.allowBallot !== undefined && !(await input.allowBallot())
  if (!closed && !limited) {
    for (const [questionId, value] of Object.entries(input.answers)) {
      const question = definition.questions.find((q) => q.id === questionId)
      const parsed = question ? answerSchema(question).safeParse(value) : undefined
      if (!parsed?.success) {
        rejected = true
        continue
      }
      await db
        .insert(pollAnswers)
        .values({ pollId, questionId, contactId, value: parsed.data, municipalityCode: invitation.municipalityCode, answeredAt: now })
        .onConflictDoNothing()
    }
  }

  const answered = new Set(
    (await db
      .select({ questionId: pollAnswers.questionId })
      .from(pollAnswers)
      .where(and(eq(pollAnswers.pollId, pollId), eq(pollAnswers.contactId, contactId)))).map((a) => a.questionId),
  )
  const open = definition.questions.filter((q) => !answered.has(q.id))
  if (!closed && answered.size > 0 && (invitation.startedAt === null || (open.length === 0 && invitation.completedAt === null))) {
    await db
      .update(pollInvitations)
      .set({ startedAt: invitation.startedAt ?? now, completedAt: open.length === 0 ? now : null })
      .where(and(eq(pollInvitations.pollId, pollId), eq(pollInvitations.contactId, contactId)))
    // the last member's last answer may be the poll's last: then it need not wait for closesAt
    if (open.length === 0) await closeIfComplete(db, pollId, now)
  }
  const [waiting] = await db
    .select({ n: count() })
    .from(pollInvitations)
    .innerJoin(polls, eq(polls.id, pollInvitations.pollId))
    .where(otherPendingPolls(pollId, contactId, now))
  const pending = waiting?.n ?? 0
  return {
    closed,
    rejected,
    limited,
    next: open[0]?.id ?? null,
    total: definition.questions.length,
    remaining: open.length,
    title: localized(definition.title, input.locale),
    closesOn: guatemalaDate(row.closesAt),
    closesAtText: closingText(row.closesAt, input.locale),
    pending,
    morePending: pending > 0,
  }
}

/** "8 de diciembre de 2026, 18:00": members are in Guatemala, whatever the server's zone. */
function closingText(at: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Guatemala', hourCycle: 'h23' }).format(at)
}
