import { createHash } from 'node:crypto'
import type { DbOrTx } from '../db/client.js'
import { media } from '../db/schema/index.js'
import type { MediaKind } from '../bot/engine/types.js'

export type StoredMedia = { id: string; kind: MediaKind; mimeType: string; size: number; sha256: string }

export class MediaTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`media of ${size} bytes is over the limit of ${limit}`)
  }
}

/**
 * Stores a file a citizen sent and returns its id, the `ref` that the message content carries.
 * Adapters call it as the file arrives; the case links it when the complaint is filed.
 */
export async function storeMedia(
  db: DbOrTx,
  input: { channel: string; kind: MediaKind; mimeType: string; content: Buffer; maxBytes: number },
): Promise<StoredMedia> {
  if (input.content.length > input.maxBytes) throw new MediaTooLargeError(input.content.length, input.maxBytes)
  const sha256 = createHash('sha256').update(input.content).digest('hex')
  const [row] = await db
    .insert(media)
    .values({ channel: input.channel, kind: input.kind, mimeType: input.mimeType, size: input.content.length, sha256, content: input.content })
    .returning({ id: media.id })
  if (!row) throw new Error('media insert returned nothing')
  return { id: row.id, kind: input.kind, mimeType: input.mimeType, size: input.content.length, sha256 }
}
