import { asc, eq } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, type FollowUpAnswer, type IdentityMode, type Sector, caseEvents, cases, institutions, municipalities, units } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'
import { redactForStaff } from '../privacy/redact-pii.js'
import { type EvidenceItem, listEvidence } from './case-evidence.js'
import { normalizeTrackingCode } from './tracking-code.js'

export type CaseEventView = {
  at: Date
  actor: string
  type: string
  fromStatus: CaseStatus | null
  toStatus: CaseStatus | null
  unit: string | null
  note: string | null
  public: boolean
}

/**
 * A case as staff see it. Deliberately without contact id or channel: whether staff may reach the
 * citizen depends on the identity mode, and that is decided elsewhere, not leaked by default.
 */
export type CaseDetail = {
  code: string
  sector: Sector
  category: string
  municipalityCode: string
  municipality: string
  departmentCode: string
  facility: string
  description: string
  identityMode: IdentityMode
  /** how staff refer to the citizen of a confidential case; null for named and anonymous cases */
  pseudonym: string | null
  status: CaseStatus
  urgent: boolean
  /** the account is a voice note in the evidence: someone must listen to it ("escuchar") */
  needsListening: boolean
  unit: { code: string; name: string } | null
  institution: { code: string; name: string } | null
  /** who of the unit works the case: `staff:<contactId>` or `token:<name>`, null when nobody */
  assignee: string | null
  /** the resolution deadline */
  dueAt: Date | null
  /** the first-response deadline, and when the unit first acted (null while it waits) */
  responseDueAt: Date | null
  respondedAt: Date | null
  /** the citizen's answer to "was it solved?": yes, no, none (unanswered), null when not asked */
  followUpAnswer: FollowUpAnswer | null
  createdAt: Date
  updatedAt: Date
  events: CaseEventView[]
  /** the files the citizen sent, oldest first, each with where to download it (audited there) */
  evidence: CaseEvidenceView[]
}

/** A file of a case as the detail lists it: its metadata and the API path that serves it. */
export type CaseEvidenceView = EvidenceItem & { path: string }

export type GetCaseOptions = {
  /**
   * the citizen's text as written (admins only): otherwise phone numbers, DPI, e-mail addresses
   * and the like are masked in description and facility, and so is the name a confidential or
   * anonymous citizen gives for themself. Anonymous cases were masked when filed.
   */
  original?: boolean
}

/** One case with its history, by tracking code; NotFoundError when there is none. */
export async function getCase(db: DbOrTx, input: string, options: GetCaseOptions = {}): Promise<CaseDetail> {
  const code = normalizeTrackingCode(input)
  if (code === null) throw new NotFoundError('case', input)
  const [row] = await db
    .select({
      id: cases.id,
      code: cases.code,
      sector: cases.sector,
      category: cases.category,
      municipalityCode: cases.municipalityCode,
      municipality: municipalities.name,
      departmentCode: municipalities.departmentCode,
      facility: cases.facility,
      description: cases.description,
      identityMode: cases.identityMode,
      pseudonym: cases.pseudonym,
      status: cases.status,
      urgent: cases.urgent,
      needsListening: cases.needsListening,
      unitCode: units.code,
      unitName: units.name,
      institutionCode: institutions.code,
      institutionName: institutions.name,
      assignee: cases.assignee,
      dueAt: cases.dueAt,
      responseDueAt: cases.responseDueAt,
      respondedAt: cases.respondedAt,
      followUpAnswer: cases.followUpAnswer,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .where(eq(cases.code, code))
  if (!row) throw new NotFoundError('case', code)

  const eventUnit = alias(units, 'event_unit')
  const events = await db
    .select({
      at: caseEvents.at,
      actor: caseEvents.actor,
      type: caseEvents.type,
      fromStatus: caseEvents.fromStatus,
      toStatus: caseEvents.toStatus,
      unit: eventUnit.name,
      note: caseEvents.note,
      public: caseEvents.public,
    })
    .from(caseEvents)
    .leftJoin(eventUnit, eq(eventUnit.id, caseEvents.unitId))
    .where(eq(caseEvents.caseId, row.id))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id))
  const evidence = (await listEvidence(db, row.id)).map((file) => ({ ...file, path: `/api/v1/cases/${row.code}/evidence/${file.id}` }))

  const { unitCode, unitName, institutionCode, institutionName } = row
  return {
    code: row.code,
    sector: row.sector,
    category: row.category,
    municipalityCode: row.municipalityCode,
    municipality: row.municipality,
    departmentCode: row.departmentCode,
    facility: options.original === true ? row.facility : redactForStaff(row.facility, row.identityMode),
    description: options.original === true ? row.description : redactForStaff(row.description, row.identityMode),
    identityMode: row.identityMode,
    pseudonym: row.pseudonym,
    status: row.status,
    urgent: row.urgent,
    needsListening: row.needsListening,
    assignee: row.assignee,
    dueAt: row.dueAt,
    responseDueAt: row.responseDueAt,
    respondedAt: row.respondedAt,
    followUpAnswer: row.followUpAnswer,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    unit: unitCode !== null && unitName !== null ? { code: unitCode, name: unitName } : null,
    institution: institutionCode !== null && institutionName !== null ? { code: institutionCode, name: institutionName } : null,
    events,
    evidence,
  }
}
