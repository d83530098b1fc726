import { type SQL, and, desc, eq, gte, inArray, lt, or } from 'drizzle-orm'
import { z } from 'zod'
import { CLOSED_STATUSES, OPEN_STATUSES } from '../cases/case-transitions.js'
import { responsibleName } from '../cases/lookup-case.js'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, cases, categories, departments, institutions, municipalities, units } from '../db/schema/index.js'
import { createTranslate } from '../i18n/index.js'
import { parseServiceCode, serviceCode } from './services.js'
import type { XmlObject } from './xml.js'

/** The channel recorded on cases filed through Open311. */
export const OPEN311_CHANNEL = 'open311'


const DAY_MS = 86_400_000
/** The specification's defaults: the last 90 days and at most 1,000 requests. */
export const DEFAULT_WINDOW_DAYS = 90
export const MAX_PAGE_SIZE = 1000

const list = <Item extends z.ZodType<string, string>>(item: Item) =>
  z
    .string()
    .max(2000)
    .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item).max(200))

/** GET requests: the specification's filters plus the common page/page_size extension. */
export const RequestsQuerySchema = z.object({
  service_request_id: list(z.string().min(4).max(20)).optional(),
  service_code: list(z.string().max(80)).optional(),
  start_date: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  end_date: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  status: list(z.enum(['open', 'closed'])).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
  jurisdiction_id: z.string().max(100).optional(),
})
export type RequestsQuery = z.infer<typeof RequestsQuerySchema>

const translate = createTranslate()

/**
 * Service requests as GeoReport v2 shows them. Public by design, so strictly without personal
 * data: no description (free text may name people until a later issue adds redaction), no
 * facility (also typed by the citizen), no staff notes; the place is the municipality's centre.
 */
export async function listRequests(db: DbOrTx, query: RequestsQuery, now: Date): Promise<XmlObject[]> {
  // Only requests filed through Open311 are listed. A chat complaint's tracking code is the only
  // key to an anonymous case (and shows its last public note): publishing it would hand it to
  // anyone. Chat complaints reach the public as aggregates through the statistics API.
  const conditions: (SQL | undefined)[] = [eq(cases.channel, OPEN311_CHANNEL)]
  if (query.service_request_id) {
    conditions.push(inArray(cases.code, query.service_request_id.map((code) => code.toUpperCase())))
  } else {
    const end = query.end_date ? new Date(query.end_date) : now
    const start = query.start_date ? new Date(query.start_date) : new Date(end.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS)
    conditions.push(gte(cases.createdAt, start), lt(cases.createdAt, end))
  }
  if (query.service_code) {
    const services = query.service_code.map(parseServiceCode).filter((s) => s !== null)
    const sameService = services.map((s) => and(eq(cases.sector, s.sector), eq(cases.category, s.category)))
    // a list of codes none of which is ours matches nothing
    conditions.push(sameService.length > 0 ? or(...sameService) : eq(cases.code, ''))
  }
  if (query.status && query.status.length === 1) conditions.push(inArray(cases.status, [...(query.status[0] === 'open' ? OPEN_STATUSES : CLOSED_STATUSES)]))

  const rows = await db
    .select({
      code: cases.code,
      sector: cases.sector,
      category: cases.category,
      status: cases.status,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
      dueAt: cases.dueAt,
      municipalityCode: cases.municipalityCode,
      municipality: municipalities.name,
      department: departments.name,
      latitude: municipalities.latitude,
      longitude: municipalities.longitude,
      unit: units.name,
      institution: institutions.name,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .innerJoin(departments, eq(departments.code, municipalities.departmentCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .where(and(...conditions))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(query.page_size)
    .offset((query.page - 1) * query.page_size)
  const labels = new Map((await db.select().from(categories)).map((c) => [c.code, c.labels.es ?? c.code]))
  return rows.map((row) => ({
    service_request_id: row.code,
    status: isClosed(row.status) ? 'closed' : 'open',
    status_notes: capitalise(translate('es', `caseStatus.${row.status}`)),
    service_name: labels.get(row.category) ?? row.category,
    service_code: serviceCode(row.sector, row.category),
    agency_responsible: responsibleName(row.unit, row.institution),
    service_notice: null,
    requested_datetime: row.createdAt.toISOString(),
    updated_datetime: row.updatedAt.toISOString(),
    expected_datetime: row.dueAt?.toISOString() ?? null,
    address: `${row.municipality}, ${row.department}`,
    address_id: row.municipalityCode,
    zipcode: null,
    lat: row.latitude,
    long: row.longitude,
    media_url: null,
  }))
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function isClosed(status: CaseStatus): boolean {
  return (CLOSED_STATUSES as readonly CaseStatus[]).includes(status)
}
