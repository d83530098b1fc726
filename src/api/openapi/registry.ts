import { auditOperations } from '../audit-routes.js'
import { caseOperations } from '../case-routes.js'
import { evidenceOperations } from '../evidence-routes.js'
import { institutionOperations } from '../institution-routes.js'
import { outboxOperations } from '../outbox-routes.js'
import { pollGroupOperations } from '../poll-group-routes.js'
import { pollOperations } from '../poll-routes.js'
import { ruleOperations } from '../rule-routes.js'
import { staffOperations } from '../staff-routes.js'
import { statsOperations } from '../stats-routes.js'
import { tokenOperations } from '../token-routes.js'
import { unitOperations } from '../unit-routes.js'
import { z } from 'zod'
import type { Operation } from './operation.js'

/** The OpenAPI document's own endpoints; public, so that a client can discover the rest. */
export const docsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'docs',
    roles: [],
    response: z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }),
    example: { openapi: '3.1.0', info: { title: 'Diálogo admin API', version: '1' }, paths: { '/api/v1/cases': { get: { summary: 'List cases' } } } },
  },
  { method: 'get', path: '/api/v1/docs', summary: 'A readable page listing every operation', tag: 'docs', roles: [], media: [{ type: 'text/html', example: '<!doctype html><title>Diálogo admin API</title>', only: true }] },
  { method: 'get', path: '/api/v1/docs.css', summary: "The docs page's style sheet", tag: 'docs', roles: [], media: [{ type: 'text/css', example: 'body { font-family: system-ui }', only: true }] },
]

/**
 * Every admin API operation, for the OpenAPI document. A router mounted under /api/v1 adds its
 * `*Operations` export here, one line each; a test fails when a mounted route is missing.
 */
export const allOperations: readonly Operation[] = [
  ...caseOperations,
  ...evidenceOperations,
  ...institutionOperations,
  ...unitOperations,
  ...ruleOperations,
  ...tokenOperations,
  ...auditOperations,
  ...outboxOperations,
  ...staffOperations,
  ...statsOperations,
  ...pollOperations,
  ...pollGroupOperations,
  ...docsOperations,
]
