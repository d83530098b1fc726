import { Hono } from 'hono'
import { z } from 'zod'
import type { TokenOwner } from '../auth/tokens.js'
import { listEvidence, loadEvidence } from '../cases/case-evidence.js'
import { type UnitScope, loadCase } from '../cases/case-ref.js'
import { MediaKindSchema } from '../bot/engine/types.js'
import { cleanServedImage } from '../media/clean-served-image.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'

const CodeParamSchema = z.object({ code: z.string().min(4).max(20) })
const FileParamSchema = CodeParamSchema.extend({ id: z.uuid() })

export const EvidenceItemSchema = z.object({
  id: z.uuid(),
  kind: MediaKindSchema,
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.iso.datetime(),
})
export const EvidenceListSchema = z.object({ items: z.array(EvidenceItemSchema) })

const WORKERS = ['admin', 'institution'] as const
const op = (operation: Omit<Operation, 'tag' | 'roles'>): Operation => ({ tag: 'cases', roles: WORKERS, ...operation })

export const evidenceOperations: Operation[] = [
  op({
    method: 'get',
    path: '/api/v1/cases/{code}/evidence',
    summary: 'The files a citizen sent with a case (kind, MIME type, size, SHA-256, when), without their bytes',
    params: CodeParamSchema,
    response: EvidenceListSchema,
    example: {
      items: [
        {
          id: '0b7d6c1e-3f1a-4c2b-9a43-6f0e2d1c5a77',
          kind: 'image',
          mimeType: 'image/jpeg',
          size: 184_233,
          sha256: '9f2c4e0b8a1d7c3e5f6a2b9d0c4e8f1a3b5c7d9e0f2a4c6e8b1d3f5a7c9e0b2d',
          receivedAt: '2026-11-25T15:02:11.000Z',
        },
      ],
    },
  }),
  op({
    method: 'get',
    path: '/api/v1/cases/{code}/evidence/{id}',
    summary: 'Downloads one file of a case as an attachment; every download is audited',
    params: FileParamSchema,
    response: z.string().describe('the file as stored (a photo without its metadata), with Content-Disposition: attachment'),
    // served with the type it was kept as (a photo that cannot be cleaned goes as octet-stream)
    media: [
      ...['image/*', 'audio/*', 'video/*', 'application/pdf', 'text/plain'].map((type) => ({ type, only: true })),
      { type: 'application/octet-stream', example: '(the bytes of the file)', only: true },
    ],
  }),
]

/** The units a token may read: all for an admin, its own for an institution (as the case routes). */
function scopeOf(actor: TokenOwner): UnitScope {
  return actor.role === 'admin' ? null : actor.unitIds
}

// Names a downloaded file gets; the type was checked when the file was kept.
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/avif': 'avif',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/webm': 'weba',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
}

/**
 * A case's evidence, to admins and to institution tokens whose units hold the case (another
 * unit's case is not found). Files are served as downloads, never rendered by the browser.
 */
export const evidenceRoutes = new Hono<AppEnv>()
  .use(requireRole(...WORKERS))
  .get('/', validate('param', CodeParamSchema), async (c) => {
    const found = await loadCase(c.var.db, c.req.valid('param').code, scopeOf(c.var.actor))
    return c.json({ items: await listEvidence(c.var.db, found.id) })
  })
  .get('/:id', validate('param', FileParamSchema), async (c) => {
    const { code, id } = c.req.valid('param')
    const file = await c.var.db.transaction(async (tx) => {
      const found = await loadCase(tx, code, scopeOf(c.var.actor))
      const evidence = await loadEvidence(tx, found.id, id)
      // the audit entry and the download stand or fall together
      await recordAudit(tx, {
        actor: c.var.actor,
        action: 'download',
        entity: 'evidence',
        entityId: evidence.id,
        details: { case: found.code, kind: evidence.kind, sha256: evidence.sha256 },
        at: c.var.now(),
      })
      return { ...evidence, code: found.code }
    })
    const served = await cleanServedImage(file.content, file.mimeType)
    const extension = EXTENSIONS[served.mimeType] ?? 'bin'
    return c.body(new Uint8Array(served.bytes), 200, {
      'content-type': served.mimeType,
      'content-length': String(served.bytes.length),
      'content-disposition': `attachment; filename="evidencia-${file.code}-${file.id.slice(0, 8)}.${extension}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    })
  })
