import makeWASocket, { Browsers, makeCacheableSignalKeyStore, type AuthenticationState, type WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../../../log.js'

/** What the adapter uses of a Baileys socket; the real WASocket is one. */
export type BaileysSocket = Pick<WASocket, 'ev' | 'sendMessage' | 'requestPairingCode' | 'end'>

export type OpenSocket = (auth: AuthenticationState) => BaileysSocket

// Baileys logs protocol nodes and JIDs (phone numbers) at debug level: only its errors reach our
// log, and the fields that carry JIDs are censored there too.
const BAILEYS_REDACT = ['jid', 'remoteJid', 'participant', 'key', 'node', 'attrs', 'msg', 'message', '*.jid', '*.remoteJid', '*.participant', '*.key', '*.attrs']

/** Opens a real WhatsApp Web socket with the given login. */
export function openBaileysSocket(logger: Logger): OpenSocket {
  const quiet = logger.child({ module: 'baileys' }, { level: 'error', redact: { paths: BAILEYS_REDACT, censor: '[redacted]' } })
  return (auth) =>
    makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, quiet) },
      logger: quiet,
      browser: Browsers.ubuntu('Diálogo'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
    })
}
