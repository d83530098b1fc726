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
import { locateMunicipality } from '../../../geo/locate-municipality.js'
import { stripUnsafeDeep } from '../../../http/unsafe-text.js'
import { MediaTooLargeError, storeMedia } from '../../../media/store-media.js'
import { alreadyHandled } from '../already-handled.js'
import type { InboundMessage } from '../../channel.js'
import type { MediaKind, MessageContent } from '../../engine/types.js'

export type BaileysInboundDeps = { db: Db; maxMediaBytes: number; now: () => Date }

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
  const { degreesLatitude: latitude, degreesLongitude: longitude } = place
  return { kind: 'location', latitude, longitude, municipalityCode: locateMunicipality(latitude, longitude) ?? undefined }
}

/** The size WhatsApp announces for the file, when it does. */
function announcedSize(content: proto.IMessage): number {
  const media = content.imageMessage ?? content.audioMessage ?? content.videoMessage ?? content.ptvMessage ?? content.documentMessage
  return Number(media?.fileLength ?? 0)
}

async function storedMedia(message: WAMessage, part: MediaPart, deps: BaileysInboundDeps): Promise<MessageContent> {
  // Too big to keep: not worth downloading only to refuse it.
  if (message.message && announcedSize(normalizeMessageContent(message.message) ?? {}) > deps.maxMediaBytes) {
    return { kind: 'unsupported', what: 'media-too-large' }
  }
  // Links to WhatsApp's media servers expire: the file is fetched and kept as evidence now.
  const content = await downloadMediaMessage(message, 'buffer', {})
  try {
    const stored = await storeMedia(deps.db, { channel: 'whatsapp-baileys', kind: part.kind, mimeType: part.mimeType, content, maxBytes: deps.maxMediaBytes })
    return { kind: 'media', media: part.kind, ref: stored.id, mimeType: part.mimeType, size: stored.size, caption: part.caption }
  } catch (error) {
    if (error instanceof MediaTooLargeError) return { kind: 'unsupported', what: 'media-too-large' }
    throw error
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
    // A repeated delivery is answered by the runtime's dedupe; no need to fetch the file again.
    if (await alreadyHandled(deps.db, 'whatsapp-baileys', key.id)) return { ...base, content: { kind: 'unsupported', what: 'repeat' } }
    return { ...base, content: await storedMedia(message, part, deps) }
  }
  return { ...base, content: { kind: 'unsupported', what: type } }
}
