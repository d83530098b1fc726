import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { contacts } from './contacts.js'
import { municipalities } from './reference.js'

/**
 * A mesa de diálogo's roster. Members join by sending the invite code to the bot, so nobody types
 * phone numbers into the system; staff see how many members a group has, never who they are.
 */
export const pollGroups = pgTable('poll_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** the municipality the table belongs to, for results by municipality */
  municipalityCode: text('municipality_code').references(() => municipalities.code),
  inviteCode: text('invite_code').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

/** A contact in a group; `leftAt` set when they said "salir" (a later join clears it). */
export const pollGroupMembers = pgTable(
  'poll_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => pollGroups.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.contactId] }), index('poll_group_members_contact_idx').on(t.contactId)],
)

/** A citizen who asked to receive polls ("recibir consultas") for their municipality. */
export const pollSubscriptions = pgTable(
  'poll_subscriptions',
  {
    contactId: uuid('contact_id')
      .primaryKey()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    municipalityCode: text('municipality_code')
      .notNull()
      .references(() => municipalities.code),
    subscribedAt: timestamp('subscribed_at', { withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [index('poll_subscriptions_municipality_idx').on(t.municipalityCode)],
)

export const POLL_STATUSES = ['scheduled', 'open', 'closed'] as const
export type PollStatus = (typeof POLL_STATUSES)[number]

export const RESULTS_VISIBILITIES = ['public', 'group', 'admins'] as const
export type ResultsVisibility = (typeof RESULTS_VISIBILITIES)[number]

/**
 * A poll. `definition` holds titles, questions and audience (PollDefinitionSchema, parsed when
 * read back); the times and status are columns because the jobs select by them.
 */
export const polls = pgTable(
  'polls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    definition: jsonb('definition').notNull(),
    status: text('status', { enum: POLL_STATUSES }).notNull().default('scheduled'),
    resultsVisibility: text('results_visibility', { enum: RESULTS_VISIBILITIES }).notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    remindAt: timestamp('remind_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('polls_status_idx').on(t.status, t.opensAt, t.closesAt)],
)

/**
 * One audience member of one poll. Written in bulk when the poll opens (`invitedAt` null), then
 * sent a few at a time at the channel's pace; the outbox rows say whether delivery worked.
 */
export const pollInvitations = pgTable(
  'poll_invitations',
  {
    pollId: uuid('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    /** the member's municipality (subscription or group), for results by municipality */
    municipalityCode: text('municipality_code'),
    invitedAt: timestamp('invited_at', { withTimezone: true }),
    /** the outbox row of the invitation's first message (no foreign key: the outbox is purged) */
    outboxId: bigint('outbox_id', { mode: 'number' }),
    /** times the invitation waited because the contact was in the middle of a conversation */
    deferrals: integer('deferrals').notNull().default(0),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** they said "salir" after the poll opened: nothing more is sent to them */
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    resultsSentAt: timestamp('results_sent_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.contactId] }), index('poll_invitations_pending_idx').on(t.pollId, t.invitedAt)],
)

/** One member's answer to one question: the unique index is "one vote per member". */
export const pollAnswers = pgTable(
  'poll_answers',
  {
    pollId: uuid('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    questionId: text('question_id').notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    value: jsonb('value').notNull(),
    municipalityCode: text('municipality_code'),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('poll_answers_one_vote_uq').on(t.pollId, t.questionId, t.contactId)],
)
