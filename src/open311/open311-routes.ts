import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ZodError } from 'zod'
import { type TokenOwner, verifyToken } from '../auth/tokens.js'
import type { Db } from '../db/client.js'
import { ValidationError } from '../domain-errors.js'
import { findUnsafeText } from '../http/unsafe-text.js'
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
 * The largest POST body: a description of 4,000 characters, a facility, a place and the fields we
 * drop unread fit many times over. Checked before a byte of it is parsed.
 */
export const OPEN311_BODY_LIMIT = 64 * 1024

const UNSAFE_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates'

/**
 * A partner's key given outside the form body: `api_key` in the query string, `X-Api-Key`, or
 * `Authorization: Bearer`. Such a key is checked before the body is read at all.
 */
function keyOutsideBody(c: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
  return c.req.query('api_key') ?? c.req.header('x-api-key') ?? bearer
}

/**
 * Only partner tokens file requests: Open311 keys live in other tools' settings, so an admin (or
 * institution) token is refused here rather than spread into them.
 */
async function partnerOf(db: Db, key: string | undefined): Promise<TokenOwner | null> {
  const owner = key ? await verifyToken(db, key) : null
  return owner?.role === 'partner' ? owner : null
}

/**
 * Open311 GeoReport v2 (mounted at /open311/v2): discovery, services and their definitions,
 * service requests to read (public, without personal data) and to file (a partner's API key).
 * The format is the path's extension; errors are the specification's error lists.
 */
export function createOpen311Routes(deps: { db: Db; now?: () => Date }) {
  const now = deps.now ?? (() => new Date())
  const app = new Hono<{ Variables: { partner?: TokenOwner } }>()

  // A NUL or lone surrogate in the path or the query would reach the database: refused by name.
  app.use(async (c, next) => {
    const unsafe = findUnsafeText({ path: safeDecode(c.req.path), ...c.req.queries() })
    if (unsafe === null) return next()
    const format = splitFormat(c.req.path.split('/').pop() ?? '')?.format ?? 'json'
    return open311Error(c, format, 400, `${unsafe} ${UNSAFE_MESSAGE}`)
  })

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

  const refusedKey = (c: Context) =>
    open311Error(c, formatOf(c), 403, 'api_key must be a valid API token with the partner role')

  app.post(
    '/:file',
    async (c, next) => {
      const file = splitFormat(c.req.param('file'))
      if (!file || file.name !== 'requests') return open311Error(c, file?.format ?? 'json', 404, 'POST goes to requests.json or requests.xml')
      // A key outside the body is checked before the body is read; one in the body (GeoReport v2)
      // after reading at most OPEN311_BODY_LIMIT bytes.
      const key = keyOutsideBody(c)
      if (key === undefined) return next()
      const partner = await partnerOf(deps.db, key)
      if (!partner) return refusedKey(c)
      c.set('partner', partner)
      return next()
    },
    bodyLimit({ maxSize: OPEN311_BODY_LIMIT, onError: (c) => open311Error(c, formatOf(c), 413, `the body is larger than ${OPEN311_BODY_LIMIT} bytes`) }),
    async (c) => {
      const format = formatOf(c)
      const form = await c.req.parseBody()
      const partner = c.get('partner') ?? (await partnerOf(deps.db, typeof form.api_key === 'string' ? form.api_key : undefined))
      if (!partner) return refusedKey(c)
      const unsafe = findUnsafeText(form)
      if (unsafe !== null) return open311Error(c, format, 400, `${unsafe} ${UNSAFE_MESSAGE}`)
      const parsed = PostRequestSchema.safeParse(form)
      if (!parsed.success) return open311Error(c, format, 400, explain(parsed.error))
      try {
        const created = await createRequest(deps.db, parsed.data, now())
        const notice = translate('es', 'open311.notice', { institution: created.institution, dueDate: created.dueDate, dueTime: created.dueTime })
        return respond(c, format, 'service_requests', [{ service_request_id: created.code, service_notice: notice, account_id: null }])
      } catch (error) {
        if (error instanceof ValidationError) return open311Error(c, format, 400, error.message)
        throw error
      }
    },
  )

  return app
}

/** The format a path's extension asks for; JSON when it names none. */
function formatOf(c: Context) {
  return splitFormat(c.req.param('file') ?? '')?.format ?? 'json'
}

/** The path as a handler sees its params (`%00` is a NUL); a malformed escape is kept as it came. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
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
