import { z } from 'zod'
import { ROLES, RULE_SOURCES, SECTORS } from '../db/schema/index.js'

// The shapes the directory, token and audit endpoints answer with, for the OpenAPI document.
// Dates travel as ISO 8601 strings.

export const IdParamSchema = z.object({ id: z.uuid() })
export const CodeSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, 'upper case letters, digits and dashes').max(80)
export const DepartmentCodeSchema = z.string().regex(/^\d{2}$/, 'a two-digit INE department code')
export const MunicipalityCodeSchema = z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code')
const Timestamp = z.iso.datetime({ offset: true })

export const InstitutionSchema = z.object({ id: z.uuid(), code: z.string(), name: z.string(), createdAt: Timestamp })

export const UnitSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  institutionId: z.uuid(),
  parentId: z.uuid().nullable(),
  name: z.string(),
  departmentCode: z.string().nullable(),
  municipalityCode: z.string().nullable(),
  validFrom: Timestamp,
  validTo: Timestamp.nullable(),
})

export const RuleSchema = z.object({
  id: z.uuid(),
  sector: z.enum(SECTORS),
  category: z.string().nullable(),
  departmentCode: z.string().nullable(),
  municipalityCode: z.string().nullable(),
  unitId: z.uuid(),
  slaHours: z.number().int(),
  priority: z.number().int(),
  note: z.string().nullable(),
  source: z.enum(RULE_SOURCES),
  createdAt: Timestamp,
})

export const TokenListingSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(ROLES),
  unitIds: z.array(z.uuid()),
  groupIds: z.array(z.uuid()),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
})

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: Timestamp,
  actor: z.string(),
  actorTokenId: z.uuid().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  details: z.unknown(),
})

/** A page of a list: follow `nextCursor` until it is null. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}
