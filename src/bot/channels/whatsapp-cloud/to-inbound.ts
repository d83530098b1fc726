import type { Db } from '../../../db/client.js'
import { locateMunicipality } from '../../../geo/locate-municipality.js'
import { MediaTooLargeError, storeMedia } from '../../../media/store-media.js'
import { alreadyHandled } from '../already-handled.js'
import type { InboundMessage } from '../../channel.js'
import type { MediaKind, MessageContent } from '../../engine/types.js'
import type { GraphApi } from './graph-api.js'
import type { CloudMessage } from './webhook-schema.js'

export type CloudInboundDeps = { db: Db; graph: GraphApi; maxMediaBytes: number }

// Not a citizen saying something: no answer is due.
const IGNORED_TYPES = new Set(['reaction', 'system', 'request_welcome'])

function mediaOf(message: CloudMessage): { kind: MediaKind; id: string; caption?: string } | undefined {
  if (message.type === 'image' && message.image) return { kind: 'image', id: message.image.id, caption: message.image.caption }
  if (message.type === 'audio' && message.audio) return { kind: message.audio.voice ? 'voice' : 'audio', id: message.audio.id }
  if (message.type === 'video' && message.video) return { kind: 'video', id: message.video.id, caption: message.video.caption }
  if (message.type === 'document' && message.document) return { kind: 'document', id: message.document.id, caption: message.document.caption }
  return undefined
}

async function fetchMedia(media: { kind: MediaKind; id: string; caption?: string }, deps: CloudInboundDeps): Promise<MessageContent> {
  try {
    // Kept as evidence now: the Graph API media URL expires and the id lasts only 30 days.
    const file = await deps.graph.downloadMedia(media.id, deps.maxMediaBytes)
    const stored = await storeMedia(deps.db, { channel: 'whatsapp-cloud', kind: media.kind, mimeType: file.mimeType, content: file.content, maxBytes: deps.maxMediaBytes })
    return { kind: 'media', media: media.kind, ref: stored.id, mimeType: file.mimeType, size: stored.size, caption: media.caption }
  } catch (error) {
    if (error instanceof MediaTooLargeError) return { kind: 'unsupported', what: 'media-too-large' }
    throw error
  }
}

function contentOf(message: CloudMessage): MessageContent | undefined {
  const reply = message.interactive?.button_reply ?? message.interactive?.list_reply
  if (message.type === 'text' && message.text) return { kind: 'text', text: message.text.body }
  if (message.type === 'interactive' && reply) return { kind: 'choice', id: reply.id, label: reply.title }
  if (message.type === 'button' && message.button) return { kind: 'text', text: message.button.text }
  if (message.type === 'location' && message.location) {
    const { latitude, longitude } = message.location
    return { kind: 'location', latitude, longitude, municipalityCode: locateMunicipality(latitude, longitude) ?? undefined }
  }
  return undefined
}

/**
 * A Cloud API webhook message as an InboundMessage (media fetched and stored first), or null
 * for reactions and system notices.
 */
export async function cloudInbound(message: CloudMessage, displayName: string | undefined, deps: CloudInboundDeps): Promise<InboundMessage | null> {
  if (IGNORED_TYPES.has(message.type)) return null
  const seconds = Number(message.timestamp)
  const base = {
    channel: 'whatsapp-cloud' as const,
    externalId: message.id,
    from: { channelUserId: message.from, displayName },
    receivedAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(),
  }
  const content = contentOf(message)
  if (content) return { ...base, content }
  const media = mediaOf(message)
  if (!media) return { ...base, content: { kind: 'unsupported', what: message.type } }
  // Meta repeats webhooks; a repeat is answered by the runtime's dedupe without fetching again.
  if (await alreadyHandled(deps.db, 'whatsapp-cloud', message.id)) return { ...base, content: { kind: 'unsupported', what: 'repeat' } }
  return { ...base, content: await fetchMedia(media, deps) }
}
