import { eq } from 'drizzle-orm'
import { type CaseDraft, createCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { type CaseStatus, cases, contacts, units } from '../../src/db/schema/index.js'

/** A medicine shortage in Mixco: routed to the Guatemala Nor Occidente health area (parent: MSPAS central). */
export const mixcoHealth: CaseDraft = {
  sector: 'health',
  category: 'medicine_shortage',
  department: '01',
  municipality: '0108',
  facility: 'Centro de Salud de Mixco',
  description: 'No hay amoxicilina desde hace un mes.',
  identity: 'named',
}

/** A contact on a channel, in a language. */
export async function newContact(database: Database, channelUserId: string, locale = 'es', channel = 'telegram') {
  const [contact] = await database.db.insert(contacts).values({ channel, channelUserId, locale }).returning()
  if (!contact) throw new Error('contact not stored')
  return contact
}

/** Files a case for a contact (or none) at `now`; returns its code and row. */
export async function fileCase(database: Database, options: { now: Date; contactId?: string | null; draft?: Partial<CaseDraft> }) {
  const created = await database.db.transaction((tx) =>
    createCase(tx, { ...mixcoHealth, ...options.draft }, { now: options.now, contactId: options.contactId ?? null, channel: 'webchat', locale: 'es' }),
  )
  return { code: created.code, row: await caseRow(database, created.code) }
}

/** The stored row of a case. */
export async function caseRow(database: Database, code: string) {
  const [row] = await database.db.select().from(cases).where(eq(cases.code, code))
  if (!row) throw new Error(`case ${code} not stored`)
  return row
}

/** Puts a case straight into a status, as if its history had led there. */
export async function forceStatus(database: Database, code: string, status: CaseStatus) {
  await database.db.update(cases).set({ status }).where(eq(cases.code, code))
}

/** A unit's id by its seed code. */
export async function unitId(database: Database, code: string): Promise<string> {
  const [unit] = await database.db.select({ id: units.id }).from(units).where(eq(units.code, code))
  if (!unit) throw new Error(`no unit ${code}`)
  return unit.id
}
