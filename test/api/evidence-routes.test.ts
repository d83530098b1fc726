import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { type Role, auditLog } from '../../src/db/schema/index.js'
import { acceptMedia } from '../../src/media/accept-media.js'
import { storeMedia } from '../../src/media/store-media.js'
import { fileCase, unitId } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { metadataOf, phonePhoto } from '../support/photo.js'
import { silentLogger } from '../support/tiny-engine.js'

const now = new Date('2026-11-25T15:00:00Z')
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe.each(databaseKinds)('the evidence endpoints on %s', (kind) => {
  let database: Database
  let composed: Composed
  const tokens = {} as Record<'admin' | 'ours' | 'theirs' | 'observatory', string>
  /** a case of the Nor Occidente health area with a photo (kept by the intake) and a voice note */
  let code: string
  let photoId: string
  let voiceId: string
  const voice = Buffer.from('OggS a voice note about the pharmacy')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    const token = async (name: string, role: Role, unitIds: string[] = []) => (await createToken(database.db, { name, role, unitIds })).token
    tokens.admin = await token('admin', 'admin')
    tokens.ours = await token('das-nor-occidente', 'institution', [await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')])
    tokens.theirs = await token('das-ixil', 'institution', [await unitId(database, 'MSPAS-DAS-IXIL')])
    tokens.observatory = await token('observatorio', 'observatory')
    const photo = await phonePhoto()
    const kept = await acceptMedia(
      database.db,
      { channel: 'telegram', kind: 'image', maxBytes: 1_000_000, source: { fetch: () => Promise.resolve({ bytes: photo, mimeType: 'image/jpeg' }) } },
      silentLogger,
    )
    if (kept.kind !== 'media') throw new Error('photo not kept')
    photoId = kept.ref
    voiceId = (await storeMedia(database.db, { channel: 'telegram', kind: 'voice', mimeType: 'audio/ogg', content: voice, maxBytes: 1_000_000 })).id
    code = (await fileCase(database, { now, draft: { evidence: [photoId, voiceId] } })).code
  })
  afterAll(async () => {
    await database.close()
  })

  const get = (token: string, path: string) => composed.app.request(path, { headers: { authorization: `Bearer ${token}` } })
  const downloads = (mediaId: string) =>
    database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'evidence'), eq(auditLog.entityId, mediaId), eq(auditLog.action, 'download')))

  it("lists a case's files with kind, MIME type, size, SHA-256 and when they came, never their bytes", async () => {
    const response = await get(tokens.admin, `/api/v1/cases/${code}/evidence`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { items: Record<string, unknown>[] }
    expect(body.items).toHaveLength(2)
    expect(body.items).toContainEqual({ id: voiceId, kind: 'voice', mimeType: 'audio/ogg', size: voice.length, sha256: sha256(voice), receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
    expect(body.items).toContainEqual(expect.objectContaining({ id: photoId, kind: 'image', mimeType: 'image/jpeg' }))
    expect(JSON.stringify(body)).not.toMatch(/content|channel/)
  })

  it('serves a file as an attachment that is not sniffed, byte for byte as listed, and audits the download', async () => {
    const before = (await downloads(voiceId)).length
    const response = await get(tokens.ours, `/api/v1/cases/${code}/evidence/${voiceId}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('audio/ogg')
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="evidencia-${code}-[0-9a-f]{8}\\.ogg"$`))
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toContain('no-store')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(voice)
    const audit = await downloads(voiceId)
    expect(audit).toHaveLength(before + 1)
    expect(audit.at(-1)).toMatchObject({ actor: 'token:das-nor-occidente', details: { case: code, kind: 'voice', sha256: sha256(voice) } })
  })

  it('serves a photo with none of the GPS, device or owner tags it was sent with', async () => {
    const response = await get(tokens.admin, `/api/v1/cases/${code}/evidence/${photoId}`)
    const bytes = Buffer.from(await response.arrayBuffer())
    expect(response.headers.get('content-type')).toBe('image/jpeg')
    expect(await metadataOf(bytes)).toEqual({ format: 'jpeg', exif: false, xmp: false, iptc: false, device: false })
    const listed = ((await (await get(tokens.admin, `/api/v1/cases/${code}/evidence`)).json()) as { items: { id: string; sha256: string }[] }).items
    expect(listed.find((item) => item.id === photoId)?.sha256).toBe(sha256(bytes))
  })

  it('cleans on the way out a photo stored with its metadata before photos were stripped', async () => {
    const legacy = await storeMedia(database.db, { channel: 'whatsapp-cloud', kind: 'image', mimeType: 'image/jpeg', content: await phonePhoto('#900'), maxBytes: 1_000_000 })
    const old = (await fileCase(database, { now, draft: { evidence: [legacy.id] } })).code
    const response = await get(tokens.admin, `/api/v1/cases/${old}/evidence/${legacy.id}`)
    expect(response.status).toBe(200)
    expect(await metadataOf(Buffer.from(await response.arrayBuffer()))).toMatchObject({ exif: false, xmp: false, device: false })
  })

  it("answers 404 for another unit's case, and for a file of another case, and audits neither", async () => {
    expect((await get(tokens.theirs, `/api/v1/cases/${code}/evidence`)).status).toBe(404)
    const before = (await downloads(voiceId)).length
    expect((await get(tokens.theirs, `/api/v1/cases/${code}/evidence/${voiceId}`)).status).toBe(404)
    const other = (await fileCase(database, { now })).code
    expect((await get(tokens.admin, `/api/v1/cases/${other}/evidence/${voiceId}`)).status).toBe(404)
    expect(await downloads(voiceId)).toHaveLength(before)
  })

  it('refuses observatory tokens and requests without a token', async () => {
    expect((await get(tokens.observatory, `/api/v1/cases/${code}/evidence`)).status).toBe(403)
    expect((await get(tokens.observatory, `/api/v1/cases/${code}/evidence/${voiceId}`)).status).toBe(403)
    expect((await composed.app.request(`/api/v1/cases/${code}/evidence`)).status).toBe(401)
  })

  it('answers 400 for a file id that is not one', async () => {
    expect((await get(tokens.admin, `/api/v1/cases/${code}/evidence/not-a-uuid`)).status).toBe(400)
  })
})
