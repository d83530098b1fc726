import { bigserial, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { contacts } from './contacts.js'
import { SECTORS, units } from './directory.js'
import { municipalities } from './reference.js'

export const IDENTITY_MODES = ['named', 'confidential', 'anonymous'] as const
export type IdentityMode = (typeof IDENTITY_MODES)[number]

export const CASE_STATUSES = [
  'received',
  'routed',
  'acknowledged',
  'in_progress',
  'resolved',
  'rejected',
  'reopened',
  'escalated',
] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

/** How a citizen answered "was it solved?"; `none` when they did not answer in time. */
export const FOLLOW_UP_ANSWERS = ['yes', 'no', 'none'] as const
export type FollowUpAnswer = (typeof FOLLOW_UP_ANSWERS)[number]

/** A complaint. `code` is the public tracking code, the only key to an anonymous case. */
export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique(),
    sector: text('sector', { enum: SECTORS }).notNull(),
    category: text('category').notNull(),
    municipalityCode: text('municipality_code')
      .notNull()
      .references(() => municipalities.code),
    facility: text('facility').notNull(),
    description: text('description').notNull(),
    identityMode: text('identity_mode', { enum: IDENTITY_MODES }).notNull(),
    /** null for anonymous cases: no link to who complained is kept */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    channel: text('channel'),
    status: text('status', { enum: CASE_STATUSES }).notNull(),
    urgent: boolean('urgent').notNull().default(false),
    unitId: uuid('unit_id').references(() => units.id),
    /** the resolution deadline: by then the unit should have closed the case */
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** the first-response deadline: by then the unit should have acknowledged (or acted on) the case */
    responseDueAt: timestamp('response_due_at', { withTimezone: true }),
    /** when the unit holding the case first acted on it; null while the first-response clock runs */
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** when staff were told the current deadline is a day away, so they are told once per deadline */
    dueSoonAlertedAt: timestamp('due_soon_alerted_at', { withTimezone: true }),
    /** the person of the unit working the case: `staff:<contactId>` or `token:<name>`; null when nobody */
    assignee: text('assignee'),
    locale: text('locale').notNull().default('es'),
    /** the deadline in hours the routing rule gave; escalation reuses it when the parent has none */
    slaHours: integer('sla_hours'),
    /** false when the citizen asked not to be told of changes or asked whether it was solved */
    followUps: boolean('follow_ups').notNull().default(true),
    /** how staff name the citizen of a confidential case ("Ciudadano/a 7F3K"); null otherwise */
    pseudonym: text('pseudonym'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** when the "was it solved?" question went out, so it is asked once per resolution */
    followUpAskedAt: timestamp('follow_up_asked_at', { withTimezone: true }),
    /** the citizen's answer to "was it solved?": yes, no, or none when the question went unanswered */
    followUpAnswer: text('follow_up_answer', { enum: FOLLOW_UP_ANSWERS }),
    /** the citizen's account is a voice note (attached as evidence): staff must listen to it ("escuchar") */
    needsListening: boolean('needs_listening').notNull().default(false),
    /** set when the case went overdue at the top of the ladder, so that is recorded once */
    escalationEndedAt: timestamp('escalation_ended_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('cases_status_idx').on(t.status),
    index('cases_unit_idx').on(t.unitId),
    index('cases_municipality_idx').on(t.municipalityCode),
    index('cases_created_idx').on(t.createdAt, t.id),
  ],
)

/** Append-only history of a case: who did what, when, from which status to which. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** 'citizen', 'system', `token:<name>` or `staff:<contactId>` */
    actor: text('actor').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status', { enum: CASE_STATUSES }),
    toStatus: text('to_status', { enum: CASE_STATUSES }),
    unitId: uuid('unit_id').references(() => units.id),
    note: text('note'),
    /** whether the citizen is told of it and may read the note */
    public: boolean('public').notNull().default(false),
  },
  (t) => [index('case_events_case_idx').on(t.caseId, t.at)],
)
