import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Json } from '../bot/engine/types.js'
import type { DbOrTx } from '../db/client.js'
import { cases, contacts, municipalities, pollGroupMembers, pollGroups, pollSubscriptions, staffSubscriptions, units } from '../db/schema/index.js'
import { guatemalaDate } from '../cases/guatemala-date.js'
import { createTranslate } from '../i18n/index.js'

const translate = createTranslate()

/**
 * "mis datos": everything kept about a contact, as the lines of one message in `locale`: channel,
 * language, first and last contact, cases by code and status (never their text: the phone may be
 * shared), poll groups and subscriptions, and units whose alerts this chat receives.
 */
export async function contactSummary(db: DbOrTx, contactId: string, locale: string): Promise<Record<string, Json>> {
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, contactId))
  if (!contact) return { found: false }
  const none = translate(locale, 'myData.none')
  const list = (items: string[]) => (items.length > 0 ? items.join(', ') : none)

  const ownCases = await db
    .select({ code: cases.code, status: cases.status })
    .from(cases)
    .where(eq(cases.contactId, contactId))
    .orderBy(asc(cases.createdAt))
  const groups = await db
    .select({ name: pollGroups.name })
    .from(pollGroupMembers)
    .innerJoin(pollGroups, eq(pollGroups.id, pollGroupMembers.groupId))
    .where(and(eq(pollGroupMembers.contactId, contactId), isNull(pollGroupMembers.leftAt)))
  const subscriptions = await db
    .select({ municipality: municipalities.name })
    .from(pollSubscriptions)
    .innerJoin(municipalities, eq(municipalities.code, pollSubscriptions.municipalityCode))
    .where(and(eq(pollSubscriptions.contactId, contactId), isNull(pollSubscriptions.leftAt)))
  const staff = await db
    .select({ unit: units.name })
    .from(staffSubscriptions)
    .innerJoin(units, eq(units.id, staffSubscriptions.unitId))
    .where(eq(staffSubscriptions.contactId, contactId))

  return {
    found: true,
    channel: contact.channel,
    // each language named in itself, from its own locale file (an operator's language too)
    language: translate(contact.locale, 'language.name'),
    firstSeen: guatemalaDate(contact.createdAt),
    lastSeen: guatemalaDate(contact.lastSeenAt),
    cases: list(ownCases.map((kase) => `${kase.code} (${translate(locale, `caseStatus.${kase.status}`)})`)),
    groups: list([...groups.map((group) => group.name), ...subscriptions.map((row) => row.municipality)]),
    staff: list(staff.map((row) => row.unit)),
  }
}
