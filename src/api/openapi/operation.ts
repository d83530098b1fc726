import type { ZodType } from 'zod'
import type { Role } from '../../db/schema/index.js'

/**
 * The description of one admin API endpoint for the OpenAPI document. Each router exports a list
 * of these next to its routes, reusing the same zod schemas it validates with, so the document
 * cannot drift from what the code accepts.
 */
export type Operation = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI style, e.g. `/api/v1/cases/{code}` */
  path: string
  summary: string
  tag: string
  /** roles allowed; empty for a public endpoint */
  roles: readonly Role[]
  params?: ZodType
  query?: ZodType
  body?: ZodType
  /** the 200/201 answer's schema, when there is one worth describing */
  response?: ZodType
  /** an answer as the endpoint writes it; derived from `response` when left out */
  example?: unknown
  /** the answer's media types besides JSON (`text/csv` for an export), or instead of it (a file, a page) */
  media?: readonly { type: string; example?: string; only?: boolean }[]
  /** the status of a success (default 200) */
  status?: number
  /** problem statuses besides the usual ones: a public endpoint that still refuses (403), one that can be unavailable (503) */
  errors?: Readonly<Record<number, string>>
}
