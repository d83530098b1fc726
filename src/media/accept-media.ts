import type { MediaSource } from '../bot/channel.js'
import type { MediaKind, MessageContent } from '../bot/engine/types.js'
import type { DbOrTx } from '../db/client.js'
import type { Logger } from '../log.js'
import { baseMimeType, isAllowedMedia } from './media-types.js'
import { MediaTooLargeError, storeMedia } from './store-media.js'
import { stripImageMetadata, UnreadableImageError } from './strip-metadata.js'

export type AcceptMediaInput = {
  channel: string
  kind: MediaKind
  source: MediaSource
  maxBytes: number
  caption?: string
}

/**
 * Fetches a file a citizen sent, checks its size and type, removes a photo's metadata and stores
 * it: the media content whose `ref` is the stored id, or the kind "unsupported" answer that asks
 * again (too large, a type we do not keep, a download that failed).
 */
export async function acceptMedia(db: DbOrTx, input: AcceptMediaInput, logger: Logger): Promise<MessageContent> {
  const tooLarge = { kind: 'unsupported', what: 'media-too-large' } as const
  if (input.source.announcedSize !== undefined && input.source.announcedSize > input.maxBytes) return tooLarge
  let file: { bytes: Buffer; mimeType: string }
  try {
    file = await input.source.fetch(input.maxBytes)
  } catch (error) {
    if (error instanceof MediaTooLargeError) return tooLarge
    // the citizen is asked to send it again rather than losing the message
    logger.warn({ err: error, channel: input.channel, media: input.kind }, 'media download failed')
    return { kind: 'unsupported', what: 'media-failed' }
  }
  if (file.bytes.length > input.maxBytes) return tooLarge
  let cleaned: { bytes: Buffer; mimeType: string } | null
  try {
    // the bytes decide what a file is: a photo sent as a "file" of any type is cleaned and kept
    // as the image it is, under the type its format names
    cleaned = await stripImageMetadata(file.bytes)
  } catch (error) {
    if (error instanceof UnreadableImageError) return { kind: 'unsupported', what: 'media-type' }
    throw error
  }
  if (!cleaned && (input.kind === 'image' || !isAllowedMedia(input.kind, file.mimeType))) {
    // a "photo" that does not decode could be anything, and so could a type we do not keep
    return { kind: 'unsupported', what: 'media-type' }
  }
  const stored = await storeMedia(db, {
    channel: input.channel,
    kind: input.kind,
    mimeType: cleaned?.mimeType ?? baseMimeType(file.mimeType),
    content: cleaned?.bytes ?? file.bytes,
    maxBytes: input.maxBytes,
  })
  return { kind: 'media', media: input.kind, ref: stored.id, mimeType: stored.mimeType, size: stored.size, caption: input.caption }
}
