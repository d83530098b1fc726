import { randomUUID } from 'node:crypto'
import type { Db } from '../../../db/client.js'
import type { Logger } from '../../../log.js'
import type { Channel, InboundHandler } from '../../channel.js'
import { type AudioPrompts, noAudioPrompts } from '../../audio-prompts.js'
import { numberedMenu } from '../numbered-menu.js'
import { type BaileysLink, type BaileysLogin, createBaileysLink } from './baileys-link.js'
import { handleBaileysUpsert } from './handle-upsert.js'
import { acquireLease, releaseLease } from './lease.js'
import { openBaileysSocket, type OpenSocket } from './open-socket.js'

export type BaileysChannelOptions = {
  db: Db
  logger: Logger
  account: string
  pairingNumber?: string
  ratePerSecond: number
  /** the real WhatsApp Web socket unless a test passes its own */
  openSocket?: OpenSocket
  showLogin?: (login: BaileysLogin) => void
  /** delay before reconnect attempt n; 1 s doubling to a minute unless a test passes its own */
  reconnectBackoffMs?: (attempt: number) => number
  /** how long the number's lease lasts unless renewed; renewed every third of it */
  leaseMs?: number
  /** this instance's name on the lease */
  holder?: string
  now?: () => Date
  /** recorded prompts, sent as a voice note (push-to-talk) before the text they say */
  audio?: AudioPrompts
}

/**
 * WhatsApp through Baileys, a linked device on an ordinary number. Only the instance holding
 * the number's lease in PostgreSQL opens the socket; the others wait and take over when the
 * lease expires. Choices go out as numbered text menus (buttons are not reliable there).
 */
export function createBaileysChannel(options: BaileysChannelOptions): Channel {
  const { db, logger } = options
  const now = options.now ?? (() => new Date())
  const leaseMs = options.leaseMs ?? 30_000
  const holder = options.holder ?? randomUUID()
  const leaseName = `whatsapp-baileys:${options.account}`
  let link: BaileysLink | undefined
  let holding = false
  let timer: NodeJS.Timeout | undefined

  let tending = false
  const audio = options.audio ?? noAudioPrompts

  /** The recording of the reply's key first, as a voice note; best effort: the text is what must arrive. */
  async function sendRecording(socket: NonNullable<ReturnType<BaileysLink['socket']>>, address: string, reply: Parameters<Channel['send']>[1]) {
    const found = audio.find(reply.prompt)
    if (!found) return
    try {
      const content = await audio.read(found)
      await socket.sendMessage(address, found.voice ? { audio: content, mimetype: 'audio/ogg; codecs=opus', ptt: true } : { audio: content, mimetype: found.mimeType })
    } catch (error) {
      logger.warn({ err: error, key: found.key, locale: found.locale }, 'WhatsApp (Baileys) recording not sent; the text went alone')
    }
  }

  async function tend(handle: InboundHandler) {
    if (tending) return
    tending = true
    try {
      await tendLease(handle)
    } finally {
      tending = false
    }
  }

  async function tendLease(handle: InboundHandler) {
    const held = await acquireLease(db, { name: leaseName, holder, ttlMs: leaseMs, at: now() }).catch((error: unknown) => {
      logger.error({ err: error }, 'WhatsApp (Baileys) lease renewal failed')
      return false
    })
    if (held && !holding) {
      holding = true
      logger.info({ account: options.account }, 'WhatsApp (Baileys) lease taken: connecting')
      link = createBaileysLink({
        db,
        logger,
        account: options.account,
        pairingNumber: options.pairingNumber,
        openSocket: options.openSocket ?? openBaileysSocket(logger),
        showLogin: options.showLogin,
        backoffMs: options.reconnectBackoffMs,
        onMessages: (upsert) => handleBaileysUpsert(upsert, { db, logger, handle, now }),
        onLoggedOut: () => void stop(),
      })
      await link.start()
    } else if (!held && holding) {
      // Another instance has the number now (we could not renew in time): two sockets on one
      // number would fight, so ours closes.
      holding = false
      link?.stop()
      link = undefined
      logger.warn({ account: options.account }, 'WhatsApp (Baileys) lease lost: disconnected')
    }
  }

  async function stop() {
    if (timer) clearInterval(timer)
    timer = undefined
    link?.stop()
    link = undefined
    if (holding) await releaseLease(db, leaseName, holder)
    holding = false
  }

  return {
    kind: 'whatsapp-baileys',
    ratePerSecond: options.ratePerSecond,
    inlineReplies: false,
    canSend: () => link?.socket() !== undefined,
    async send(address, reply) {
      const socket = link?.socket()
      if (!socket) return { ok: false, permanent: false, failure: 'unavailable', error: 'WhatsApp (Baileys) is not connected on this instance' }
      try {
        await sendRecording(socket, address, reply)
        const sent = await socket.sendMessage(address, { text: numberedMenu(reply) })
        return { ok: true, externalId: sent?.key.id ?? undefined }
      } catch (error) {
        // a dropped connection or a refused send: the outbox retries, as for every channel
        return { ok: false, permanent: false, failure: 'network', error: error instanceof Error ? error.message : String(error) }
      }
    },
    async start(handle) {
      await tend(handle)
      timer = setInterval(() => void tend(handle), Math.max(1, Math.floor(leaseMs / 3)))
    },
    stop,
  }
}
