import { z } from 'zod'
import { MediaKindSchema } from '../bot/engine/types.js'
import { CASE_STATUSES, FOLLOW_UP_ANSWERS, IDENTITY_MODES, SECTORS } from '../db/schema/index.js'
import { pageOf } from './directory-schemas.js'

// The answers of the case endpoints, for the OpenAPI document; the routes return what the
// services build, and test/http checks those shapes.
const Timestamp = z.iso.datetime()

export const CaseSummarySchema = z.object({
  code: z.string(),
  identityMode: z.enum(IDENTITY_MODES),
  pseudonym: z.string().nullable(),
  sector: z.enum(SECTORS),
  category: z.string(),
  departmentCode: z.string(),
  municipalityCode: z.string(),
  municipality: z.string(),
  status: z.enum(CASE_STATUSES),
  urgent: z.boolean(),
  /** the account is a voice note in the evidence: staff must listen to it ("escuchar") */
  needsListening: z.boolean(),
  unit: z.string().nullable(),
  institution: z.string().nullable(),
  assignee: z.string().nullable(),
  dueAt: Timestamp.nullable(),
  responseDueAt: Timestamp.nullable(),
  respondedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const CasePageSchema = pageOf(CaseSummarySchema)

export const CaseEventSchema = z.object({
  at: Timestamp,
  actor: z.string(),
  type: z.string(),
  fromStatus: z.enum(CASE_STATUSES).nullable(),
  toStatus: z.enum(CASE_STATUSES).nullable(),
  unit: z.string().nullable(),
  note: z.string().nullable(),
  public: z.boolean(),
})

/** A file of a case in its detail: the metadata of GET …/evidence and the path that downloads it. */
export const CaseEvidenceSchema = z.object({
  id: z.uuid(),
  kind: MediaKindSchema,
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: Timestamp,
  path: z.string(),
})

const Named = z.object({ code: z.string(), name: z.string() })
export const CaseDetailSchema = z.object({
  code: z.string(),
  sector: z.enum(SECTORS),
  category: z.string(),
  municipalityCode: z.string(),
  municipality: z.string(),
  departmentCode: z.string(),
  facility: z.string(),
  description: z.string(),
  identityMode: z.enum(IDENTITY_MODES),
  pseudonym: z.string().nullable(),
  status: z.enum(CASE_STATUSES),
  urgent: z.boolean(),
  needsListening: z.boolean(),
  unit: Named.nullable(),
  institution: Named.nullable(),
  assignee: z.string().nullable(),
  dueAt: Timestamp.nullable(),
  responseDueAt: Timestamp.nullable(),
  respondedAt: Timestamp.nullable(),
  followUpAnswer: z.enum(FOLLOW_UP_ANSWERS).nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  events: z.array(CaseEventSchema),
  evidence: z.array(CaseEvidenceSchema),
})

export const TransitionResultSchema = z.object({ code: z.string(), from: z.enum(CASE_STATUSES), to: z.enum(CASE_STATUSES) })
export const CommentResultSchema = z.object({ code: z.string() })
export const ReassignResultSchema = z.object({ code: z.string(), unit: z.object({ id: z.uuid(), code: z.string(), name: z.string() }), dueAt: Timestamp.nullable() })
export const AssignResultSchema = z.object({ code: z.string(), assignee: z.string().nullable() })
export const BulkMoveResultSchema = z.object({ moved: z.number().int() })

const summaryExample = {
  code: '7K3QM-2XW9P',
  identityMode: 'confidential',
  pseudonym: 'Ciudadano/a 7F3K',
  sector: 'health',
  category: 'medicine_shortage',
  departmentCode: '01',
  municipalityCode: '0108',
  municipality: 'Mixco',
  status: 'acknowledged',
  urgent: false,
  needsListening: false,
  unit: 'Dirección de Área de Salud Guatemala Nor Occidente',
  institution: 'Ministerio de Salud Pública y Asistencia Social',
  assignee: 'token:Ana López',
  dueAt: '2026-11-28T15:00:00.000Z',
  responseDueAt: '2026-11-26T15:00:00.000Z',
  respondedAt: '2026-11-25T18:30:00.000Z',
  createdAt: '2026-11-25T15:00:00.000Z',
  updatedAt: '2026-11-25T18:30:00.000Z',
}

/** Examples of the case answers, as the API writes them (dates as ISO strings). */
export const caseExamples = {
  page: { items: [summaryExample], nextCursor: null },
  detail: {
    ...Object.fromEntries(Object.entries(summaryExample).filter(([key]) => !['unit', 'institution'].includes(key))),
    facility: 'Centro de Salud de Mixco',
    description: 'No hay amoxicilina desde hace un mes. Llame al [teléfono].',
    unit: { code: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE', name: 'Dirección de Área de Salud Guatemala Nor Occidente' },
    institution: { code: 'MSPAS', name: 'Ministerio de Salud Pública y Asistencia Social' },
    followUpAnswer: null,
    events: [
      { at: '2026-11-25T15:00:00.000Z', actor: 'citizen', type: 'created', fromStatus: null, toStatus: 'received', unit: null, note: null, public: true },
      { at: '2026-11-25T15:00:00.000Z', actor: 'system', type: 'routed', fromStatus: 'received', toStatus: 'routed', unit: 'Dirección de Área de Salud Guatemala Nor Occidente', note: 'regla 12: salud en Guatemala', public: true },
      { at: '2026-11-25T18:30:00.000Z', actor: 'token:Ana López', type: 'acknowledged', fromStatus: 'routed', toStatus: 'acknowledged', unit: 'Dirección de Área de Salud Guatemala Nor Occidente', note: null, public: true },
    ],
    evidence: [
      {
        id: '0b7d6c1e-3f1a-4c2b-9a43-6f0e2d1c5a77',
        kind: 'image',
        mimeType: 'image/jpeg',
        size: 184_233,
        sha256: '9f2c4e0b8a1d7c3e5f6a2b9d0c4e8f1a3b5c7d9e0f2a4c6e8b1d3f5a7c9e0b2d',
        receivedAt: '2026-11-25T15:02:11.000Z',
        path: '/api/v1/cases/7K3QM-2XW9P/evidence/0b7d6c1e-3f1a-4c2b-9a43-6f0e2d1c5a77',
      },
    ],
  },
  transition: { code: '7K3QM-2XW9P', from: 'routed', to: 'acknowledged' },
  comment: { code: '7K3QM-2XW9P' },
  reassign: { code: '7K3QM-2XW9P', unit: { id: '5b1f0c7e-2d7a-4f0e-9a51-1c2b3d4e5f60', code: 'MSPAS-DAS-GUATEMALA-SUR', name: 'Dirección de Área de Salud Guatemala Sur' }, dueAt: '2026-11-29T15:00:00.000Z' },
  assign: { code: '7K3QM-2XW9P', assignee: 'token:Ana López' },
  bulkMove: { moved: 14 },
  contact: { code: '7K3QM-2XW9P', channel: 'telegram', address: '123456789', displayName: 'Rosa' },
} as const
