import { eq } from 'drizzle-orm'
import type { Json } from '../bot/engine/types.js'
import type { DbOrTx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { contacts, institutions, units } from '../db/schema/index.js'
import { createTranslate } from '../i18n/index.js'
import type { CaseRow } from './case-ref.js'
import { guatemalaDate, guatemalaDateTime } from './guatemala-date.js'
import { responsibleName } from './lookup-case.js'

/** What changed, as the citizen is told: a status, a move to another office, or a public note. */
export type CaseNews =
  | 'acknowledged'
  | 'in_progress'
  | 'resolved'
  | 'rejected'
  | 'reopened'
  | 'escalated'
  /** escalated because nobody acknowledged it in time */
  | 'escalatedFirstResponse'
  /** escalated because it was not resolved in time */
  | 'escalatedResolution'
  | 'reassigned'
  | 'comment'

// Pure and stateless once built: one instance serves every notification.
const translate = createTranslate()

/** Who answers for a unit, as citizens know it: "Dirección de Área de Salud Ixil (MSPAS …)". */
export async function unitDisplayName(db: DbOrTx, unitId: string | null): Promise<string> {
  if (unitId === null) return ''
  const [row] = await db
    .select({ unit: units.name, institution: institutions.name })
    .from(units)
    .innerJoin(institutions, eq(institutions.id, units.institutionId))
    .where(eq(units.id, unitId))
  return row ? (responsibleName(row.unit, row.institution) ?? '') : ''
}

/** The message text for a piece of news, in `locale`. */
export function caseNewsText(locale: string, news: CaseNews, vars: { code: string; institution: string; dueDate: string | null; dueTime?: string | null; note: string | null }): string {
  const values: Record<string, Json> = { ...vars }
  const lines = [translate(locale, `caseUpdate.${news}`, values)]
  if (vars.note) lines.push(translate(locale, 'caseUpdate.note', values))
  lines.push(translate(locale, 'caseUpdate.footer', values))
  return lines.join('\n')
}

/**
 * Tells the citizen of a public change to their case, in their language, on the channel they used,
 * through the outbox. Nothing is sent for an anonymous case (no contact is kept) or when the
 * citizen chose no follow-ups. Returns whether a message was queued.
 */
export async function notifyCitizen(tx: DbOrTx, kase: CaseRow, news: CaseNews, note: string | null = null): Promise<boolean> {
  if (kase.contactId === null || !kase.followUps) return false
  const [contact] = await tx
    .select({ id: contacts.id, channel: contacts.channel, address: contacts.channelUserId, locale: contacts.locale })
    .from(contacts)
    .where(eq(contacts.id, kase.contactId))
  if (!contact || !isChannelKind(contact.channel)) return false
  const text = caseNewsText(contact.locale, news, {
    code: kase.code,
    institution: await unitDisplayName(tx, kase.unitId),
    dueDate: kase.dueAt ? guatemalaDate(kase.dueAt) : null,
    dueTime: kase.dueAt ? guatemalaDateTime(kase.dueAt).slice(11) : null,
    note,
  })
  await enqueue(tx, { channel: contact.channel, address: contact.address, contactId: contact.id, caseId: kase.id, locale: contact.locale, reply: { text }, kind: 'notice' })
  return true
}
