import { and, eq, or } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases, categories, contacts, institutions, municipalities, units } from '../db/schema/index.js'
import { guatemalaDate, guatemalaDateTime } from '../cases/guatemala-date.js'
import { responsibleName } from '../cases/lookup-case.js'

/**
 * What staff are told of a case in a chat: code, category, place, unit and deadline. Deliberately
 * nothing of who complained and not the description, which may name people: a chat on a work
 * phone is read over shoulders; the full case is in the admin API.
 */
export type StaffCaseFacts = {
  id: string
  code: string
  status: string
  facility: string
  unitId: string | null
  /** the unit with its institution: "Despacho Ministerial (Ministerio de Educación)" */
  unit: string
  municipality: string
  dueDate: string
  /** the hour of the deadline in Guatemala, `HH:MM` */
  dueTime: string
  /** who of the unit works the case, as staff know them; empty when nobody */
  assignee: string
  /** category label per locale, the code when a locale has none */
  category: (locale: string) => string
}

/** How staff know the person a case is assigned to: a linked chat's name, or a token's name. */
export async function assigneeName(db: DbOrTx, assignee: string | null): Promise<string> {
  if (assignee === null) return ''
  if (assignee.startsWith('token:')) return assignee.slice('token:'.length)
  const contactId = assignee.slice('staff:'.length)
  if (!/^[0-9a-f-]{36}$/i.test(contactId)) return assignee
  const [contact] = await db.select({ name: contacts.displayName }).from(contacts).where(eq(contacts.id, contactId))
  return contact?.name ?? assignee
}

/** The facts of one case by id, or undefined when it does not exist. */
export async function staffCaseFacts(db: DbOrTx, caseId: string): Promise<StaffCaseFacts | undefined> {
  // One statement for the case and its category's labels: a staff alert runs inside the
  // transaction that files a complaint, so each round trip here delays the citizen's answer.
  const [row] = await db
    .select({
      id: cases.id,
      code: cases.code,
      status: cases.status,
      category: cases.category,
      labels: categories.labels,
      facility: cases.facility,
      unitId: cases.unitId,
      unit: units.name,
      institution: institutions.name,
      assignee: cases.assignee,
      municipality: municipalities.name,
      dueAt: cases.dueAt,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .leftJoin(categories, and(eq(categories.code, cases.category), or(eq(categories.sector, cases.sector), eq(categories.sector, 'any'))))
    .where(eq(cases.id, caseId))
    // A code may exist both for the case's sector and for `any`: the sector's own labels win
    // (false sorts first), so the choice does not depend on the order rows come back in.
    .orderBy(eq(categories.sector, 'any'))
    .limit(1)
  if (!row) return undefined
  const { labels } = row
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    facility: row.facility,
    unitId: row.unitId,
    unit: responsibleName(row.unit, row.institution) ?? '',
    municipality: row.municipality,
    dueDate: row.dueAt ? guatemalaDate(row.dueAt) : '',
    dueTime: row.dueAt ? guatemalaDateTime(row.dueAt).slice(11) : '',
    assignee: await assigneeName(db, row.assignee),
    category: (locale) => labels?.[locale] ?? labels?.es ?? row.category,
  }
}
