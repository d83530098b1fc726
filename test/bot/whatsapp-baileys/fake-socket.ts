import { type WAMessage, type WAMessageKey, makeEventBuffer, proto } from '@whiskeysockets/baileys'
import type { BaileysSocket } from '../../../src/bot/channels/whatsapp-baileys/open-socket.js'
import { silentLogger } from '../../support/tiny-engine.js'

export const CITIZEN_JID = '50255550001@s.whatsapp.net'

/**
 * A Baileys socket without the network: Baileys' own event emitter, so the adapter's listeners
 * get events exactly as a live socket emits them, and a sendMessage that records what went out.
 */
export function fakeBaileysSocket() {
  const ev = makeEventBuffer(silentLogger)
  const sent: { jid: string; text: string }[] = []
  const pairingRequests: string[] = []
  let ended = 0
  const socket: BaileysSocket = {
    ev,
    async sendMessage(jid, content) {
      sent.push({ jid, text: 'text' in content ? content.text : '' })
      const reply: WAMessage = { key: { id: `OUT${sent.length}`, remoteJid: jid, fromMe: true } }
      return reply
    },
    async requestPairingCode(phoneNumber) {
      pairingRequests.push(phoneNumber)
      return 'ABCD1234'
    },
    async end() {
      ended++
    },
  }
  return { socket, ev, sent, pairingRequests, ended: () => ended }
}

/** A message as Baileys hands it to `messages.upsert`, its content built with Baileys' proto. */
export function incoming(id: string, content: proto.IMessage, key: Partial<WAMessageKey> = {}): WAMessage {
  return {
    key: { remoteJid: CITIZEN_JID, fromMe: false, id, ...key },
    message: proto.Message.fromObject(content),
    messageTimestamp: 1_764_072_000,
    pushName: 'Ana',
  }
}
