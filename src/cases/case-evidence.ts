import { and, asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { media } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'

/** What the API tells of a file linked to a case: never its bytes, nor the channel it came by. */
export type EvidenceItem = {
  id: string
  kind: (typeof media.$inferSelect)['kind']
  mimeType: string
  size: number
  sha256: string
  receivedAt: string
}

export type EvidenceFile = EvidenceItem & { content: Buffer }

const listed = { id: media.id, kind: media.kind, mimeType: media.mimeType, size: media.size, sha256: media.sha256, createdAt: media.createdAt }

function item(row: { id: string; kind: EvidenceItem['kind']; mimeType: string; size: number; sha256: string; createdAt: Date }): EvidenceItem {
  return { id: row.id, kind: row.kind, mimeType: row.mimeType, size: row.size, sha256: row.sha256, receivedAt: row.createdAt.toISOString() }
}

/** The files a case carries, oldest first. */
export async function listEvidence(db: DbOrTx, caseId: string): Promise<EvidenceItem[]> {
  const rows = await db.select(listed).from(media).where(eq(media.caseId, caseId)).orderBy(asc(media.createdAt), asc(media.id))
  return rows.map(item)
}

/** One file of a case with its bytes; another case's file is not found, like a missing one. */
export async function loadEvidence(db: DbOrTx, caseId: string, mediaId: string): Promise<EvidenceFile> {
  const [row] = await db
    .select({ ...listed, content: media.content })
    .from(media)
    .where(and(eq(media.id, mediaId), eq(media.caseId, caseId)))
  if (!row) throw new NotFoundError('evidence', mediaId)
  return { ...item(row), content: row.content }
}
