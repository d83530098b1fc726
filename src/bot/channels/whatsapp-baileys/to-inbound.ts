import {
  downloadMediaMessage,
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type WAMessage,
  type proto,
} from '@whiskeysockets/baileys'
import type { Db } from '../../../db/client.js'
import { stripUnsafeDeep } from '../../../http/unsafe-text.js'
import { MediaTooLargeError } from '../../../media/store-media.js'
import type { InboundMessage, MediaSource } from '../../channel.js'
import type { MediaKind, MessageContent } from '../../engine/types.js'

export type BaileysInboundDeps = {
  db: Db
  now: () => Date
  /** unused: the inbound intake limits files for every channel; kept so older callers compile */
  maxMediaBytes?: number
}

type MediaPart = { kind: MediaKind; mimeType: string; caption?: string }

// Messages that carry no words from the citizen (receipts, key exchanges, edits, reactions).
const IGNORED = new Set<keyof proto.IMessage>([
  'protocolMessage',
  'senderKeyDistributionMessage',
  'reactionMessage',
  'messageContextInfo',
  'keepInChatMessage',
  'pollUpdateMessage',
  'encReactionMessage',
])

/**
 * Who wrote: the phone-number JID when WhatsApp tells us one (7.x may address a chat by an
 * `@lid` id and put the number in `remoteJidAlt`), so one person stays one contact.
 */
export function senderOf(key: WAMessage['key']): string | undefined {
  const jid = key.remoteJid
  if (!jid) return undefined
  const preferred = isLidUser(jid) && key.remoteJidAlt ? key.remoteJidAlt : jid
  return jidNormalizedUser(preferred)
}

function mediaPart(content: proto.IMessage): MediaPart | undefined {
  if (content.imageMessage) return { kind: 'image', mimeType: content.imageMessage.mimetype ?? 'image/jpeg', caption: content.imageMessage.caption ?? undefined }
  if (content.audioMessage) {
    return { kind: content.audioMessage.ptt ? 'voice' : 'audio', mimeType: content.audioMessage.mimetype ?? 'audio/ogg' }
  }
  if (content.videoMessage) return { kind: 'video', mimeType: content.videoMessage.mimetype ?? 'video/mp4', caption: content.videoMessage.caption ?? undefined }
  if (content.ptvMessage) return { kind: 'video', mimeType: content.ptvMessage.mimetype ?? 'video/mp4' }
  if (content.documentMessage) {
    const document = content.documentMessage
    return { kind: 'document', mimeType: document.mimetype ?? 'application/octet-stream', caption: document.caption ?? undefined }
  }
  return undefined
}

function locationOf(content: proto.IMessage): MessageContent | undefined {
  const place = content.locationMessage ?? content.liveLocationMessage
  if (!place || typeof place.degreesLatitude !== 'number' || typeof place.degreesLongitude !== 'number') return undefined
  return { kind: 'location', latitude: place.degreesLatitude, longitude: place.degreesLongitude }
}

/** The size WhatsApp announces for the file, when it does. */
function announcedSize(content: proto.IMessage): number {
  const media = content.imageMessage ?? content.audioMessage ?? content.videoMessage ?? content.ptvMessage ?? content.documentMessage
  return Number(media?.fileLength ?? 0)
}

/**
 * The file behind a media message, downloaded from WhatsApp's servers and decrypted only when the
 * intake asks; reading stops once it passes the limit.
 */
function mediaSource(message: WAMessage, content: proto.IMessage, part: MediaPart): MediaSource {
  return {
    announcedSize: announcedSize(content) || undefined,
    fetch: async (maxBytes) => {
      const stream = await downloadMediaMessage(message, 'stream', {})
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of stream) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
        size += bytes.length
        if (size > maxBytes) {
          stream.destroy()
          throw new MediaTooLargeError(size, maxBytes)
        }
        chunks.push(bytes)
      }
      return { bytes: Buffer.concat(chunks), mimeType: part.mimeType }
    },
  }
}

/**
 * A Baileys message as an InboundMessage, or null for what is not a citizen writing to us: our
 * own messages, groups, status and other broadcasts, newsletters, receipts and reactions. NUL and
 * lone surrogates are dropped from every string: WhatsApp would deliver the message again forever.
 */
export async function baileysInbound(message: WAMessage, deps: BaileysInboundDeps): Promise<InboundMessage | null> {
  const inbound = await readMessage(message, deps)
  return inbound && stripUnsafeDeep(inbound)
}

async function readMessage(message: WAMessage, deps: BaileysInboundDeps): Promise<InboundMessage | null> {
  const { key } = message
  const jid = key.remoteJid
  if (key.fromMe || !key.id || !jid) return null
  if (isJidGroup(jid) || isJidBroadcast(jid) || isJidStatusBroadcast(jid) || isJidNewsletter(jid)) return null
  const channelUserId = senderOf(key)
  const content = normalizeMessageContent(message.message)
  const type = getContentType(content)
  if (!content || !type || !channelUserId || IGNORED.has(type)) return null

  const timestamp = Number(message.messageTimestamp ?? 0)
  const base = {
    channel: 'whatsapp-baileys' as const,
    externalId: key.id,
    from: { channelUserId, displayName: message.pushName ?? undefined },
    receivedAt: timestamp > 0 ? new Date(timestamp * 1000) : deps.now(),
  }
  const text = content.conversation ?? content.extendedTextMessage?.text
  if (typeof text === 'string') return { ...base, content: { kind: 'text', text } }
  const location = locationOf(content)
  if (location) return { ...base, content: location }
  const found = mediaPart(content)
  if (found) {
    // the MIME type and caption are stored with the file, before the message is stripped
    const part = stripUnsafeDeep(found)
    return {
      ...base,
      content: { kind: 'media', media: part.kind, ref: key.id, mimeType: part.mimeType, caption: part.caption },
      media: mediaSource(message, content, part),
    }
  }
  return { ...base, content: { kind: 'unsupported', what: type } }
}
