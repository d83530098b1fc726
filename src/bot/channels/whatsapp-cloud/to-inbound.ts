import type { InboundMessage, MediaSource } from '../../channel.js'
import type { MediaKind, MessageContent } from '../../engine/types.js'
import type { GraphApi } from './graph-api.js'
import type { CloudMessage } from './webhook-schema.js'

// Not a citizen saying something: no answer is due.
const IGNORED_TYPES = new Set(['reaction', 'system', 'request_welcome'])

type CloudMedia = { kind: MediaKind; id: string; mimeType?: string; caption?: string }

function mediaOf(message: CloudMessage): CloudMedia | undefined {
  const { image, audio, video, document } = message
  if (message.type === 'image' && image) return { kind: 'image', id: image.id, mimeType: image.mime_type, caption: image.caption }
  if (message.type === 'audio' && audio) return { kind: audio.voice ? 'voice' : 'audio', id: audio.id, mimeType: audio.mime_type }
  if (message.type === 'video' && video) return { kind: 'video', id: video.id, mimeType: video.mime_type, caption: video.caption }
  if (message.type === 'document' && document) return { kind: 'document', id: document.id, mimeType: document.mime_type, caption: document.caption }
  return undefined
}

function contentOf(message: CloudMessage): MessageContent | undefined {
  const reply = message.interactive?.button_reply ?? message.interactive?.list_reply
  if (message.type === 'text' && message.text) return { kind: 'text', text: message.text.body }
  if (message.type === 'interactive' && reply) return { kind: 'choice', id: reply.id, label: reply.title }
  if (message.type === 'button' && message.button) return { kind: 'text', text: message.button.text }
  if (message.type === 'location' && message.location) return { kind: 'location', latitude: message.location.latitude, longitude: message.location.longitude }
  return undefined
}

/** The Graph API media id, looked up and downloaded only when the intake asks (it lasts 30 days). */
function mediaSource(id: string, graph: GraphApi): MediaSource {
  return {
    fetch: async (maxBytes) => {
      const file = await graph.downloadMedia(id, maxBytes)
      return { bytes: file.content, mimeType: file.mimeType }
    },
  }
}

/**
 * A Cloud API webhook message as an InboundMessage (a file as a way to fetch it), or null for
 * reactions and system notices.
 */
export function cloudInbound(message: CloudMessage, displayName: string | undefined, graph: GraphApi): InboundMessage | null {
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
  return {
    ...base,
    content: { kind: 'media', media: media.kind, ref: media.id, mimeType: media.mimeType, caption: media.caption },
    media: mediaSource(media.id, graph),
  }
}
