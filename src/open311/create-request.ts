import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { type CreatedCase, createCase } from '../cases/create-case.js'
import type { Db } from '../db/client.js'
import { municipalities } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { locateMunicipality } from '../geo/locate-municipality.js'
import { findMunicipality } from './find-municipality.js'
import { parseServiceCode } from './services.js'
import { OPEN311_CHANNEL } from './list-requests.js'

/**
 * POST requests, as form fields. The person's fields of the specification (email, names, phone,
 * device and account ids) are deliberately absent: they are dropped unread, so a partner's case
 * is anonymous and nothing links it to a person.
 */
export const PostRequestSchema = z.object({
  service_code: z.string().min(1).max(80),
  description: z.string().trim().min(1, 'describe what happened').max(4000),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  /** a place in words (GeoReport v2 allows it instead of lat/long): the municipality is read from it */
  address_string: z.string().trim().min(1).max(500).optional(),
  'attribute[municipality]': z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code').optional(),
  'attribute[facility]': z.string().trim().max(500).optional(),
})
export type PostRequest = z.infer<typeof PostRequestSchema>

/**
 * Files a partner's request as a case through the same checks and routing rules as a chat
 * complaint. Throws ValidationError for an unknown service or a place that is not a municipality.
 */
export async function createRequest(db: Db, request: PostRequest, now: Date): Promise<CreatedCase> {
  const service = parseServiceCode(request.service_code)
  if (!service) throw new ValidationError(`service_code ${request.service_code} is not a service of this endpoint`)
  const located = request.lat !== undefined && request.long !== undefined ? locateMunicipality(request.lat, request.long) : null
  const named = !request['attribute[municipality]'] && !located && request.address_string ? await findMunicipality(db, request.address_string) : null
  const municipality = request['attribute[municipality]'] ?? located ?? named
  if (!municipality) {
    throw new ValidationError('give attribute[municipality] (INE code), lat and long inside Guatemala, or an address_string that names the municipality')
  }
  const [place] = await db.select().from(municipalities).where(eq(municipalities.code, municipality))
  if (!place) throw new ValidationError(`unknown municipality ${municipality}`)
  return db.transaction((tx) =>
    createCase(
      tx,
      {
        sector: service.sector,
        category: service.category,
        department: place.departmentCode,
        municipality,
        facility: request['attribute[facility]'] ?? '',
        description: request.description,
        identity: 'anonymous',
      },
      { now, contactId: null, channel: OPEN311_CHANNEL, locale: 'es' },
    ),
  )
}
