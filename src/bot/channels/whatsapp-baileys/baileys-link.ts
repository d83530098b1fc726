import { DisconnectReason, type BaileysEventMap } from '@whiskeysockets/baileys'
import qrcode from 'qrcode-terminal'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import type { Logger } from '../../../log.js'
import { useDatabaseAuthState } from './auth-state.js'
import type { BaileysSocket, OpenSocket } from './open-socket.js'

export type BaileysLinkOptions = {
  db: Db
  logger: Logger
  account: string
  /** link by pairing code for this number instead of a QR code */
  pairingNumber?: string
  openSocket: OpenSocket
  onMessages: (upsert: BaileysEventMap['messages.upsert']) => Promise<void>
  /** WhatsApp logged the device out: the adapter stops until an operator links it again */
  onLoggedOut: () => void
  /** shows how to link the number; printed in the terminal unless a test passes its own */
  showLogin?: (login: BaileysLogin) => void
  /** delay before reconnect attempt n (from 1) */
  backoffMs?: (attempt: number) => number
}

export type BaileysLink = {
  start: () => Promise<void>
  stop: () => void
  /** the socket once WhatsApp says it is open, else undefined */
  socket: () => BaileysSocket | undefined
}

// Boom errors from Baileys carry the close reason as an HTTP-like status code.
const CloseErrorSchema = z.object({ output: z.object({ statusCode: z.number() }) })

export type BaileysLogin = { qr: string } | { pairingCode: string }

// Printed, not logged: an operator at the terminal needs it, and a QR code in a log helps nobody.
const printLogin = (login: BaileysLogin) => {
  if ('pairingCode' in login) {
    console.log(`\n  WhatsApp (Baileys): enter the pairing code ${login.pairingCode} in WhatsApp > Linked devices > Link with phone number\n`)
    return
  }
  console.log('\n  WhatsApp (Baileys): scan this code in WhatsApp > Linked devices > Link a device\n')
  qrcode.generate(login.qr, { small: true })
}

/** 1 s, 2 s, 4 s … up to a minute between reconnect attempts. */
export const reconnectBackoffMs = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 60_000)

/**
 * Keeps one Baileys socket open for a number: loads the login from the database, shows the QR
 * or pairing code when the number is not linked yet, saves changed creds, and reconnects with
 * backoff when the connection drops, unless WhatsApp logged the device out.
 */
export function createBaileysLink(options: BaileysLinkOptions): BaileysLink {
  const { logger } = options
  const backoff = options.backoffMs ?? reconnectBackoffMs
  const showLogin = options.showLogin ?? printLogin
  let current: BaileysSocket | undefined
  let open = false
  let stopped = true
  let attempts = 0
  let retry: NodeJS.Timeout | undefined

  async function connect() {
    const auth = await useDatabaseAuthState(options.db, options.account)
    if (stopped) return
    const socket = options.openSocket(auth.state)
    current = socket
    let pairingAsked = false
    socket.ev.on('creds.update', () => {
      auth.saveCreds().catch((error: unknown) => logger.error({ err: error }, 'could not save WhatsApp (Baileys) creds'))
    })
    socket.ev.on('messages.upsert', (upsert) => {
      options.onMessages(upsert).catch((error: unknown) => logger.error({ err: error }, 'WhatsApp (Baileys) messages not handled'))
    })
    socket.ev.on('connection.update', (update) => {
      if (socket !== current) return
      if (update.qr) {
        if (options.pairingNumber && !auth.state.creds.registered) {
          if (!pairingAsked) {
            pairingAsked = true
            socket
              .requestPairingCode(options.pairingNumber)
              .then((pairingCode) => showLogin({ pairingCode }))
              .catch((error: unknown) => logger.error({ err: error }, 'WhatsApp (Baileys) pairing code request failed'))
          }
        } else {
          showLogin({ qr: update.qr })
        }
      }
      if (update.connection === 'open') {
        open = true
        attempts = 0
        logger.info({ account: options.account }, 'WhatsApp (Baileys) connected')
      }
      if (update.connection === 'close') {
        open = false
        current = undefined
        const parsed = CloseErrorSchema.safeParse(update.lastDisconnect?.error)
        const statusCode = parsed.success ? parsed.data.output.statusCode : undefined
        if (statusCode === DisconnectReason.loggedOut) {
          logger.error(
            { account: options.account },
            'WhatsApp logged this linked device out: the Baileys adapter has stopped and forgotten the login; restart the app to link the number again',
          )
          stopped = true
          auth.clear().catch((error: unknown) => logger.error({ err: error }, 'could not clear the WhatsApp (Baileys) login'))
          options.onLoggedOut()
          return
        }
        if (!stopped) reconnectLater(statusCode)
      }
    })
  }

  function reconnectLater(statusCode?: number) {
    attempts++
    const delay = backoff(attempts)
    logger.warn({ account: options.account, statusCode, attempt: attempts, delayMs: delay }, 'WhatsApp (Baileys) connection closed; reconnecting')
    retry = setTimeout(() => {
      retry = undefined
      connect().catch((error: unknown) => {
        logger.error({ err: error }, 'WhatsApp (Baileys) reconnect failed')
        if (!stopped) reconnectLater()
      })
    }, delay)
  }

  return {
    async start() {
      if (!stopped) return
      stopped = false
      attempts = 0
      await connect()
    },
    stop() {
      stopped = true
      if (retry) clearTimeout(retry)
      retry = undefined
      const socket = current
      current = undefined
      open = false
      // closing a socket that is already down may reject; nothing is left to do then
      socket?.end(undefined).catch(() => undefined)
    },
    socket: () => (open ? current : undefined),
  }
}
