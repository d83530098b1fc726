import { and, count, eq, gte, inArray, lte } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { cases, contacts, institutions, staffDigestSends, staffSubscriptions, units } from '../db/schema/index.js'
import { OPEN_STATUSES } from '../cases/case-transitions.js'
import { guatemalaDate } from '../cases/guatemala-date.js'
import { responsibleName } from '../cases/lookup-case.js'
import type { Job } from '../jobs/run-job-once.js'
import { staffTranslate } from './staff-text.js'

const DAY_MS = 86_400_000

async function countCases(tx: Tx, unitIds: string[], ...conditions: Parameters<typeof and>) {
  const [row] = await tx
    .select({ n: count() })
    .from(cases)
    .where(and(inArray(cases.unitId, unitIds), ...conditions))
  return row?.n ?? 0
}

/**
 * Sends each subscribed staff chat the day's counts for its units: cases new in the last 24
 * hours, open, and overdue. Counts only, so nothing of any case leaves the system. A chat gets at
 * most one digest a Guatemalan day, recorded with the send: a rerun or a second instance sends none.
 */
export async function sendDigests(tx: Tx, now: Date): Promise<number> {
  const rows = await tx
    .select({ contactId: contacts.id, channel: contacts.channel, address: contacts.channelUserId, locale: contacts.locale, unitId: units.id, unit: units.name, institution: institutions.name })
    .from(staffSubscriptions)
    .innerJoin(contacts, eq(contacts.id, staffSubscriptions.contactId))
    .innerJoin(units, eq(units.id, staffSubscriptions.unitId))
    .innerJoin(institutions, eq(institutions.id, units.institutionId))
  const chats = new Map<string, { channel: string; address: string; locale: string; unitIds: string[]; units: string[] }>()
  for (const row of rows) {
    const chat = chats.get(row.contactId) ?? { channel: row.channel, address: row.address, locale: row.locale, unitIds: [], units: [] }
    chat.unitIds.push(row.unitId)
    chat.units.push(responsibleName(row.unit, row.institution) ?? row.unit)
    chats.set(row.contactId, chat)
  }
  const open = inArray(cases.status, [...OPEN_STATUSES])
  const day = guatemalaDate(now)
  let sent = 0
  for (const [contactId, { channel, ...chat }] of chats) {
    if (!isChannelKind(channel)) continue
    const [first] = await tx.insert(staffDigestSends).values({ contactId, day, sentAt: now }).onConflictDoNothing().returning({ day: staffDigestSends.day })
    if (!first) continue
    // each count a phrase of its own, so one case reads "1 caso nuevo", not "1 casos nuevos"
    // (Spanish and English both say "one" for 1 only; the translator takes no plural rules, see i18n)
    const counted = (key: 'new' | 'open' | 'overdue', count: number) =>
      staffTranslate(chat.locale, `staffDigestCount.${key}${count === 1 ? 'One' : 'Other'}`, { count })
    const text = staffTranslate(chat.locale, 'staffDigest', {
      units: chat.units.join(', '),
      new: counted('new', await countCases(tx, chat.unitIds, gte(cases.createdAt, new Date(now.getTime() - DAY_MS)))),
      open: counted('open', await countCases(tx, chat.unitIds, open)),
      overdue: counted('overdue', await countCases(tx, chat.unitIds, open, lte(cases.dueAt, now))),
    })
    await enqueue(tx, { channel, address: chat.address, contactId, locale: chat.locale, reply: { text }, kind: 'digest' })
    sent++
  }
  return sent
}

/** The daily digest job at `hour` (0-23) in Guatemala. */
export function digestJob(hour = 7): Job {
  return { name: 'staff-digest', cron: `0 ${hour} * * *`, run: async (tx, slot) => void (await sendDigests(tx, slot)) }
}
