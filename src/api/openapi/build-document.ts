import { type ZodType, z } from 'zod'
import type { Operation } from './operation.js'
import { exampleOf } from './schema-example.js'

type JsonObject = { [key: string]: unknown }

/** The problem statuses each operation may answer, besides its success. */
const ERROR_STATUSES = { 400: 'Invalid request', 401: 'No valid bearer token', 403: 'The token may not do this', 404: 'Not found', 409: 'Conflicts with the current state', 422: 'Well-formed but makes no sense' } as const

function jsonSchema(schema: ZodType, io: 'input' | 'output'): JsonObject {
  // Dates and other values JSON cannot carry become "any" instead of stopping the document.
  const result: JsonObject = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) }
  // The document declares its dialect once; embedded schemas do not repeat it.
  delete result.$schema
  return result
}

/** Path or query parameters, one per property of an object schema. */
function parameters(schema: ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return []
  const object = jsonSchema(schema, 'input')
  const properties = z.record(z.string(), z.looseObject({})).catch({}).parse(object.properties)
  const required = new Set(z.array(z.string()).catch([]).parse(object.required))
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: property }))
}

function responses(operation: Operation): JsonObject {
  const status = String(operation.status ?? 200)
  const success: JsonObject = { description: operation.summary }
  const content: JsonObject = {}
  const only = operation.media?.some((media) => media.only === true) ?? false
  if (operation.response && !only) {
    const schema = jsonSchema(operation.response, 'output')
    content['application/json'] = { schema, example: operation.example ?? exampleOf(schema) }
  }
  // an answer that is only a file or a page takes its description from `response`, when given
  const mediaSchema = only && operation.response ? jsonSchema(operation.response, 'output') : { type: 'string' }
  for (const media of operation.media ?? []) content[media.type] = { schema: mediaSchema, ...(media.example === undefined ? {} : { example: media.example }) }
  if (Object.keys(content).length > 0) success.content = content
  const usual = Object.entries(ERROR_STATUSES).filter(([code]) => operation.roles.length > 0 || (code !== '401' && code !== '403'))
  const errors = Object.fromEntries(
    // an operation's own description of a status replaces the usual one
    [...usual, ...Object.entries(operation.errors ?? {})].map(([code, description]) => [code, { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }]),
  )
  return { [status]: success, ...errors }
}

function operationObject(operation: Operation): JsonObject {
  const result: JsonObject = {
    operationId: `${operation.method}${operation.path.replace(/^\/api\/v1/, '').replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    summary: operation.summary,
    tags: [operation.tag],
    description: operation.roles.length > 0 ? `Roles: ${operation.roles.join(', ')}.` : 'Public.',
    'x-roles': operation.roles,
    parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
    responses: responses(operation),
  }
  if (operation.roles.length > 0) result.security = [{ bearer: [] }]
  if (operation.body) result.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } } }
  return result
}

/** An OpenAPI 3.1 document for the given operations, their schemas taken from the zod schemas the routes validate with. */
export function buildOpenApiDocument(operations: readonly Operation[], info: { title: string; version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const operation of operations) {
    paths[operation.path] ??= {}
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) }
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The Diálogo admin API. Send `Authorization: Bearer dlg_...`; errors are application/problem+json (RFC 9457).' },
    servers: [{ url: '/' }],
    tags: [...new Set(operations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `npm run cli -- token create` or POST /api/v1/tokens' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, errors: {} },
        },
      },
    },
  }
}
