import { Hono } from 'hono'
import type { ZodError } from 'zod'
import { verifyToken } from '../auth/tokens.js'
import type { Db } from '../db/client.js'
import { ValidationError } from '../domain-errors.js'
import { createTranslate } from '../i18n/index.js'
import { PostRequestSchema, createRequest } from './create-request.js'
import { RequestsQuerySchema, listRequests } from './list-requests.js'
import { open311Error, respond, splitFormat } from './respond.js'
import { listServices, parseServiceCode, serviceDefinition, serviceEntry } from './services.js'
import type { XmlObject } from './xml.js'

const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2'
const CHANGESET = '2026-11-25T00:00:00Z'

const translate = createTranslate()

function explain(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
}

/**
 * Open311 GeoReport v2 (mounted at /open311/v2): discovery, services and their definitions,
 * service requests to read (public, without personal data) and to file (a partner's API key).
 * The format is the path's extension; errors are the specification's error lists.
 */
export function createOpen311Routes(deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date())
  const app = new Hono()

  app.get('/services/:file', async (c) => {
    const file = splitFormat(c.req.param('file'))
    if (!file) return open311Error(c, 'json', 404, 'use .json or .xml')
    const code = parseServiceCode(file.name)
    const service = code && (await listServices(deps.db)).find((s) => s.sector === code.sector && s.category === code.category)
    if (!service) return open311Error(c, file.format, 404, `no service ${file.name}`)
    return respond(c, file.format, 'service_definition', await serviceDefinition(deps.db, service))
  })

  app.get('/requests/:file', async (c) => {
    const file = splitFormat(c.req.param('file'))
    if (!file) return open311Error(c, 'json', 404, 'use .json or .xml')
    const query = RequestsQuerySchema.safeParse({ service_request_id: file.name })
    const found = query.success ? await listRequests(deps.db, query.data, now()) : []
    if (found.length === 0) return open311Error(c, file.format, 404, `no service request ${file.name}`)
    return respond(c, file.format, 'service_requests', found)
  })

  app.get('/:file', async (c) => {
    const file = splitFormat(c.req.param('file'))
    if (!file) return open311Error(c, 'json', 404, 'use .json or .xml')
    switch (file.name) {
      case 'discovery':
        return respond(c, file.format, 'discovery', discovery(new URL(c.req.url)))
      case 'services':
        return respond(c, file.format, 'services', (await listServices(deps.db)).map(serviceEntry))
      case 'requests': {
        const parsed = RequestsQuerySchema.safeParse(c.req.query())
        if (!parsed.success) return open311Error(c, file.format, 400, explain(parsed.error))
        return respond(c, file.format, 'service_requests', await listRequests(deps.db, parsed.data, now()))
      }
      default:
        return open311Error(c, file.format, 404, `no resource ${file.name}`)
    }
  })

  app.post('/:file', async (c) => {
    const file = splitFormat(c.req.param('file'))
    if (!file || file.name !== 'requests') return open311Error(c, file?.format ?? 'json', 404, 'POST goes to requests.json or requests.xml')
    const form = await c.req.parseBody()
    const apiKey = typeof form.api_key === 'string' ? form.api_key : ''
    const owner = apiKey === '' ? null : await verifyToken(deps.db, apiKey)
    if (!owner || (owner.role !== 'partner' && owner.role !== 'admin')) {
      return open311Error(c, file.format, 403, 'api_key must be a valid API token with the partner role')
    }
    const parsed = PostRequestSchema.safeParse(form)
    if (!parsed.success) return open311Error(c, file.format, 400, explain(parsed.error))
    try {
      const created = await createRequest(deps.db, parsed.data, now())
      const notice = translate('es', 'open311.notice', { institution: created.institution, dueDate: created.dueDate })
      return respond(c, file.format, 'service_requests', [{ service_request_id: created.code, service_notice: notice, account_id: null }])
    } catch (error) {
      if (error instanceof ValidationError) return open311Error(c, file.format, 400, error.message)
      throw error
    }
  })

  return app
}

function discovery(url: URL): XmlObject {
  const base = `${url.origin}/open311/v2`
  return {
    changeset: CHANGESET,
    contact: 'Diálogo — quejas sobre servicios públicos de salud, educación y MIFAPRO en Guatemala',
    key_service: 'Pida una clave de API (rol partner) a la administración de Diálogo para enviar solicitudes.',
    endpoints: [{ specification: SPECIFICATION, url: base, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] }],
  }
}
