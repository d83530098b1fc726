import type { Hono } from 'hono'
import type { MessageContent, Reply } from './engine/types.js'

export const CHANNEL_KINDS = ['webchat', 'telegram', 'whatsapp-baileys', 'whatsapp-cloud'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

/** One message from a citizen, whatever the platform. */
export type InboundMessage = {
  channel: ChannelKind
  /** the platform's id for this message: the key for dedupe */
  externalId: string
  from: {
    /** chat id, phone number or web conversation id: personal data, never logged */
    channelUserId: string
    displayName?: string
    /** the language the platform reports for the user, when it does */
    locale?: string
  }
  receivedAt: Date
  /** a media part's `ref` is the platform's handle until the intake stores the file (then its id) */
  content: MessageContent
  /** the file of a media message, fetched only when the current question expects one */
  media?: MediaSource
  /**
   * the screen is shared by strangers (a kiosk): nothing of earlier people may be shown, and
   * flows can tell (`$.sharedScreen`)
   */
  sharedScreen?: boolean
  /** a keyed hash of the sender's network address, for per-client limits; never the address */
  clientKey?: string
  /**
   * seals the replies of an inline channel so a retried request can be answered again; without
   * one, an inline channel's replies are not kept at all
   */
  replay?: ReplayCipher
}

/**
 * How to download the file of a media message. Adapters only describe it; the inbound intake
 * decides whether to fetch (a question expects a file, it is no repeat, its announced size fits)
 * and then limits, cleans and stores it once for every channel.
 */
export type MediaSource = {
  /** the size the platform announces before download, when it does */
  announcedSize?: number
  /** the bytes and their MIME type; throws MediaTooLargeError once the file passes `maxBytes` */
  fetch: (maxBytes: number) => Promise<{ bytes: Buffer; mimeType: string }>
}

/**
 * Readies a message's content before the runtime steps the engine: a location placed in its
 * municipality, a file fetched, cleaned and stored when `wanted.media` (the question expects one).
 */
export type InboundIntake = (message: InboundMessage, wanted: { media: boolean }) => Promise<MessageContent>

/** Authenticated encryption whose key only the sender holds (derived from their secret). */
export type ReplayCipher = {
  seal: (plain: Buffer) => Buffer
  /** null when the data was not sealed with this key */
  open: (sealed: Buffer) => Buffer | null
}

/** Why a send failed, coarsely: for metrics and the delivery view, never the platform's own words. */
export const DELIVERY_FAILURES = ['rate_limited', 'server_error', 'timeout', 'network', 'blocked', 'not_found', 'rejected', 'unavailable', 'other'] as const
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number]

export type DeliveryResult =
  /**
   * `awaitsReceipt`: the platform tells later whether it reached the contact (WhatsApp Cloud's
   * status webhooks), and may still refuse it then: the text is kept until it does
   */
  | { ok: true; externalId?: string; awaitsReceipt?: boolean }
  /**
   * the platform takes the message only once the contact writes again (WhatsApp's 24-hour
   * window): the row is held, not failed, and released when they do
   */
  | { ok: false; held: true; reason: string }
  /**
   * `permanent`: retrying cannot help (blocked bot, unknown chat); `retryAfterMs`: the platform
   * said when to try again (Telegram's retry_after), used instead of the backoff
   */
  | { ok: false; held?: false; permanent: boolean; error: string; failure?: DeliveryFailure; retryAfterMs?: number }

/** What the outbox row tells an adapter besides the reply, so it need not look the contact up. */
export type DeliveryContext = { locale: string }

/** What the runtime answers for one inbound message. */
export type HandleResult = {
  duplicate: boolean
  replies: Reply[]
  /** the conversation's language after this message (unknown for a repeat) */
  locale?: string
}

export type InboundHandler = (message: InboundMessage) => Promise<HandleResult>

/** A chat platform, behind one small interface. */
export type Channel = {
  kind: ChannelKind
  /** messages per second this channel may send in total; the outbox paces to it */
  ratePerSecond: number
  /**
   * true when the replies to an inbound message go back in the same request (web chat): the
   * runtime then records them as already sent instead of queueing them.
   */
  inlineReplies: boolean
  /** `context` is given by the outbox; without it (a test, a tool) the default language is used */
  send: (address: string, reply: Reply, context?: DeliveryContext) => Promise<DeliveryResult>
  /**
   * false while this instance cannot deliver for the channel (a Baileys socket held by another
   * instance, or not connected yet): the outbox leaves its messages for an instance that can
   */
  canSend?: () => boolean
  /**
   * begins receiving (long polling, sockets); webhook channels mount routes instead. Called in the
   * background, retried with backoff while it throws; `signal` aborts an attempt that takes too
   * long (a platform that does not answer) or the shutdown, so pass it to every network call.
   */
  start?: (handle: InboundHandler, signal?: AbortSignal) => Promise<void>
  /**
   * HTTP routes the app mounts at its root (webhooks, e.g. `/webhooks/telegram`); they hand what
   * arrives to the handler given to `start`, which may still be retrying when the server listens:
   * a channel takes the handler before its first network call
   */
  routes?: Hono
  stop?: () => Promise<void>
}
