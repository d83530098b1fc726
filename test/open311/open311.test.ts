import { eq } from 'drizzle-orm'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { cases, units } from '../../src/db/schema/index.js'
import { fileCases, moveCase } from '../stats/seed-stats-cases.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const NOW = new Date('2026-03-01T12:00:00Z')
const FILED = new Date('2026-02-20T15:00:00Z')

/** GeoReport v2 field lists, from the specification. */
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']
const ATTRIBUTE_FIELDS = ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description']
// `description` is one of the specification's fields, left out on purpose until descriptions can be redacted
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
]
const DISCOVERY_FIELDS = ['changeset', 'contact', 'key_service', 'endpoints']

// every list element is a list, so one item and many read the same way
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format'].includes(name) })

type Item = Record<string, unknown>

describe.each(databaseKinds)('the Open311 GeoReport v2 server on %s', (kind) => {
  let database: Database
  let composed: Composed
  let partnerKey: string
  let filed: string[]
  let chatCodes: string[]

  const request = (path: string, init?: RequestInit) => composed.app.request(`/open311/v2/${path}`, init)

  /** The answer's items in JSON and in XML (as text fields), checked for a well-formed document. */
  async function both(path: string, root: string, item: string): Promise<{ json: Item[]; xml: Item[] }> {
    const asJson = await request(`${path.replace('{f}', 'json')}`)
    expect(asJson.headers.get('content-type')).toContain('application/json')
    const asXml = await request(`${path.replace('{f}', 'xml')}`)
    expect(asXml.headers.get('content-type')).toContain('text/xml')
    const text = await asXml.text()
    expect(XMLValidator.validate(text)).toBe(true)
    const document = xml.parse(text) as Record<string, Record<string, Item[]>>
    return { json: (await asJson.json()) as Item[], xml: document[root]?.[item] ?? [] }
  }

  function post(format: 'json' | 'xml', fields: Record<string, string>) {
    return request(`requests.${format}`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  }

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => NOW)
    partnerKey = (await createToken(database.db, { name: 'socio cívico', role: 'partner' })).token
    filed = await fileCases(database.db, 2, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, FILED, 'open311')
    chatCodes = await fileCases(database.db, 1, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, FILED)
    const [first] = filed
    if (first) await moveCase(database.db, first, 'resolved', 20)
  })
  afterAll(async () => {
    await database.close()
  })

  it('never lists a chat complaint, whose tracking code is the only key to an anonymous case', async () => {
    const listed = JSON.stringify(await (await request('requests.json')).json())
    for (const code of chatCodes) expect(listed).not.toContain(code)
    expect((await request(`requests/${chatCodes[0] ?? ''}.json`)).status).toBe(404)
  })

  it('describes itself at discovery in JSON and XML', async () => {
    for (const format of ['json', 'xml'] as const) {
      const response = await request(`discovery.${format}`)
      const body = format === 'json' ? ((await response.json()) as Item) : ((xml.parse(await response.text()) as { discovery: Item }).discovery)
      for (const field of DISCOVERY_FIELDS) expect(body, field).toHaveProperty(field)
      expect(JSON.stringify(body)).toContain('/open311/v2')
    }
  })

  it('lists one service per sector and category, in Spanish, grouped by sector', async () => {
    const { json, xml: items } = await both('services.{f}', 'services', 'service')
    for (const list of [json, items]) {
      expect(list.length).toBeGreaterThan(20)
      for (const field of SERVICE_FIELDS) expect(list[0], field).toHaveProperty(field)
      expect(list).toContainEqual(expect.objectContaining({ service_code: 'health.medicine_shortage', service_name: 'Falta de medicamentos o insumos', group: 'Salud' }))
    }
  })

  it('defines a service with its municipality and facility attributes', async () => {
    const { json } = await both('services/health.medicine_shortage.{f}', 'service_definition', 'attributes')
    const definition = json as unknown as { service_code: string; attributes: Item[] }
    expect(definition.service_code).toBe('health.medicine_shortage')
    for (const attribute of definition.attributes) for (const field of ATTRIBUTE_FIELDS) expect(attribute, field).toHaveProperty(field)
    expect(definition.attributes.map((a) => a.code)).toEqual(['municipality', 'facility'])
    const asXml = xml.parse(await (await request('services/health.medicine_shortage.xml')).text()) as { service_definition: { attributes: { attribute: Item[] } } }
    expect(asXml.service_definition.attributes.attribute.map((a) => a.code)).toEqual(['municipality', 'facility'])
  })

  it('lists requests with the specification fields, open and closed, and no personal data or description', async () => {
    const { json, xml: items } = await both('requests.{f}', 'service_requests', 'request')
    for (const list of [json, items]) {
      expect(list.map((r) => r.service_request_id).sort()).toEqual([...filed].sort())
      for (const item of list) {
        for (const field of REQUEST_FIELDS) expect(item, field).toHaveProperty(field)
        expect(item).not.toHaveProperty('description')
      }
    }
    const resolved = json.find((r) => r.service_request_id === filed[0])
    expect(resolved).toMatchObject({ status: 'closed', status_notes: 'Resuelto', service_code: 'health.medicine_shortage', address_id: '0108' })
    expect(String(resolved?.agency_responsible)).toContain('Nor Occidente')
    const [row] = await database.db.select().from(cases).where(eq(cases.code, filed[1] ?? ''))
    expect(json.find((r) => r.service_request_id === filed[1])).toMatchObject({ status: 'open', expected_datetime: row?.dueAt?.toISOString() })
    expect(JSON.stringify(json)).not.toMatch(/No hay medicinas|Centro de Salud/)
  })

  it('filters requests by status, service, dates and pages', async () => {
    const closed = (await (await request('requests.json?status=closed')).json()) as Item[]
    expect(closed.map((r) => r.service_request_id)).toEqual([filed[0]])
    expect(await (await request('requests.json?service_code=education.school_meals')).json()).toEqual([])
    expect(await (await request('requests.json?start_date=2026-02-21T00:00:00Z')).json()).toEqual([])
    expect(((await (await request('requests.json?page=2&page_size=1')).json()) as Item[]).length).toBe(1)
    expect(((await (await request(`requests.json?service_request_id=${filed.join(',')}`)).json()) as Item[]).length).toBe(2)
  })

  it('answers one request by its tracking code, and 404 in the specification format for an unknown one', async () => {
    const { json, xml: items } = await both(`requests/${filed[1]}.{f}`, 'service_requests', 'request')
    expect(json.map((r) => r.service_request_id)).toEqual([filed[1]])
    expect(items.map((r) => r.service_request_id)).toEqual([filed[1]])
    const missing = await request('requests/ZZZZ-ZZZZ.xml')
    expect(missing.status).toBe(404)
    const error = xml.parse(await missing.text()) as { errors: { error: Item[] } }
    expect(error.errors.error[0]).toMatchObject({ code: '404' })
  })

  it('files a partner request as a case routed like a chat complaint and answers its tracking code', async () => {
    for (const format of ['json', 'xml'] as const) {
      const response = await post(format, {
        api_key: partnerKey,
        service_code: 'education.school_meals',
        description: 'No llegó la refacción escolar esta semana.',
        'attribute[municipality]': '0901',
        email: 'persona@example.org',
        first_name: 'Persona',
      })
      expect(response.status).toBe(200)
      const text = await response.text()
      const [created] = format === 'json' ? (JSON.parse(text) as Item[]) : (xml.parse(text) as { service_requests: { request: Item[] } }).service_requests.request
      expect(created).toHaveProperty('service_notice')
      const code = String(created?.service_request_id)
      const [kase] = await database.db.select({ unit: units.code, status: cases.status, contactId: cases.contactId, identity: cases.identityMode, channel: cases.channel }).from(cases).innerJoin(units, eq(units.id, cases.unitId)).where(eq(cases.code, code))
      expect(kase).toEqual({ unit: 'MINEDUC-DIDEDUC-09', status: 'routed', contactId: null, identity: 'anonymous', channel: 'open311' })
    }
  })

  it('finds the municipality from lat and long when no attribute names it', async () => {
    const response = await post('json', { api_key: partnerKey, service_code: 'health.medicine_shortage', description: 'Sin medicinas.', lat: '14.6408', long: '-90.5873' })
    const [created] = (await response.json()) as Item[]
    const [kase] = await database.db.select().from(cases).where(eq(cases.code, String(created?.service_request_id)))
    expect(kase?.municipalityCode).toBe('0108')
  })

  it('finds the municipality named in an address_string, by name or alias, and refuses one that names none', async () => {
    const filedAt = async (address: string) => {
      const response = await post('json', { api_key: partnerKey, service_code: 'health.medicine_shortage', description: 'Sin medicinas.', address_string: address })
      expect(response.status, address).toBe(200)
      const [created] = (await response.json()) as Item[]
      const [kase] = await database.db.select().from(cases).where(eq(cases.code, String(created?.service_request_id)))
      return kase?.municipalityCode
    }
    expect(await filedAt('Centro de Salud, zona 1, Mixco, Guatemala')).toBe('0108')
    expect(await filedAt('Hospital Regional de Xela')).toBe('0901')
    expect(await filedAt('12 calle 5-40 zona 1, Ciudad de Guatemala')).toBe('0101')
    const nowhere = await post('json', { api_key: partnerKey, service_code: 'health.medicine_shortage', description: 'Sin medicinas.', address_string: 'frente al parque central' })
    expect(nowhere.status).toBe(400)
    expect(await nowhere.json()).toEqual([{ code: 400, description: expect.stringContaining('address_string') }])
  })

  it('refuses to file without a partner key with 403, in either format', async () => {
    const fields = { service_code: 'health.medicine_shortage', description: 'x', 'attribute[municipality]': '0108' }
    const none = await post('json', fields)
    expect(none.status).toBe(403)
    expect(await none.json()).toEqual([{ code: 403, description: expect.stringContaining('api_key') }])
    const observatory = (await createToken(database.db, { name: 'obs', role: 'observatory' })).token
    const wrongRole = await post('xml', { ...fields, api_key: observatory })
    expect(wrongRole.status).toBe(403)
    expect(XMLValidator.validate(await wrongRole.text())).toBe(true)
  })

  it('answers 400 in the specification format for a bad request', async () => {
    const unknown = await post('json', { api_key: partnerKey, service_code: 'health.nothing', description: 'x', 'attribute[municipality]': '0108' })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toEqual([{ code: 400, description: expect.stringContaining('nothing') }])
    const nowhere = await post('xml', { api_key: partnerKey, service_code: 'health.medicine_shortage', description: 'x' })
    expect(nowhere.status).toBe(400)
    expect(await nowhere.text()).toContain('<code>400</code>')
    const badDate = await request('requests.json?start_date=yesterday')
    expect(badDate.status).toBe(400)
  })
})
