import { type SQL, and, desc, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, type IdentityMode, type Sector, cases, institutions, municipalities, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'

export type ListCasesOptions = {
  status?: CaseStatus
  sector?: Sector
  /** INE municipality code */
  municipality?: string
  /** only cases assigned to these units (an institution's view); an empty list matches nothing */
  unitIds?: readonly string[]
  /** `nextCursor` of the previous page */
  cursor?: string
  /** page size, 50 by default, at most 200 */
  limit?: number
}

/** One line of a case list: no description and nothing about who complained but a pseudonym. */
export type CaseSummary = {
  code: string
  identityMode: IdentityMode
  /** how staff refer to the citizen of a confidential case; null otherwise */
  pseudonym: string | null
  sector: Sector
  category: string
  municipalityCode: string
  municipality: string
  status: CaseStatus
  urgent: boolean
  unit: string | null
  institution: string | null
  dueAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export type CasePage = { items: CaseSummary[]; nextCursor: string | null }

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200

// The cursor keeps created_at as Postgres prints it, to the microsecond: a JavaScript Date would
// round to milliseconds and skip or repeat rows created within the same millisecond.
const CursorSchema = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/), z.uuid()])

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url')
}

function decodeCursor(cursor: string): [string, string] {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw new ValidationError('invalid cursor: pass the nextCursor of a previous page unchanged')
  }
}

/** Lists cases newest first, a page at a time; follow `nextCursor` until it is null. */
export async function listCases(db: DbOrTx, options: ListCasesOptions = {}): Promise<CasePage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT)
  if (options.unitIds !== undefined && options.unitIds.length === 0) return { items: [], nextCursor: null }

  const conditions: SQL[] = []
  if (options.status) conditions.push(eq(cases.status, options.status))
  if (options.sector) conditions.push(eq(cases.sector, options.sector))
  if (options.municipality) conditions.push(eq(cases.municipalityCode, options.municipality))
  if (options.unitIds) conditions.push(inArray(cases.unitId, [...options.unitIds]))
  if (options.cursor) {
    const [createdAt, id] = decodeCursor(options.cursor)
    conditions.push(sql`(${cases.createdAt}, ${cases.id}) < (${createdAt}::timestamptz, ${id}::uuid)`)
  }

  const rows = await db
    .select({
      id: cases.id,
      createdAtText: sql<string>`${cases.createdAt}::text`,
      code: cases.code,
      identityMode: cases.identityMode,
      pseudonym: cases.pseudonym,
      sector: cases.sector,
      category: cases.category,
      municipalityCode: cases.municipalityCode,
      municipality: municipalities.name,
      status: cases.status,
      urgent: cases.urgent,
      unit: units.name,
      institution: institutions.name,
      dueAt: cases.dueAt,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .where(and(...conditions))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit + 1)

  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor = rows.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null
  return { items: page.map(({ id: _id, createdAtText: _text, ...summary }) => summary), nextCursor }
}
