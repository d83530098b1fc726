import type { Db } from '../../db/client.js'
import type { Logger } from '../../log.js'
import { acceptMedia } from '../../media/accept-media.js'
import type { InboundIntake } from '../channel.js'
import { alreadyHandled } from './already-handled.js'
import { enrichLocation } from './enrich-location.js'

/** The largest file kept when the deployment sets none: MEDIA_MAX_BYTES's default. */
export const DEFAULT_MEDIA_MAX_BYTES = 10 * 1024 * 1024

export type InboundIntakeOptions = { db: Db; logger: Logger; maxMediaBytes?: number }

/**
 * The one inbound pipeline every channel's messages pass before the runtime steps the engine:
 * places a shared location, and for a file the current question expects, skips repeats
 * (nothing fetched twice), enforces the size and type limits, strips a photo's metadata and
 * stores it. A file no question expects is never downloaded.
 */
export function createInboundIntake(options: InboundIntakeOptions): InboundIntake {
  const maxBytes = options.maxMediaBytes ?? DEFAULT_MEDIA_MAX_BYTES
  return async (message, wanted) => {
    const { content } = message
    if (content.kind === 'location') return enrichLocation(content)
    if (content.kind !== 'media' || !message.media || !wanted.media) return content
    // the runtime answers a repeat with its first replies; what it carries is not read again
    if (await alreadyHandled(options.db, message.channel, message.externalId)) return content
    return acceptMedia(
      options.db,
      { channel: message.channel, kind: content.media, source: message.media, maxBytes, caption: content.caption },
      options.logger,
    )
  }
}
