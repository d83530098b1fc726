import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import type { ReplayCipher } from '../../channel.js'

/**
 * The web chat's conversation id is a bearer secret: whoever holds it reads the citizen's messages
 * and acts as them. The server keeps only keyed hashes of it (HMAC-SHA256 with a server secret),
 * so a contact row, an outbox address or an API answer holds nothing that works as the id, and
 * without the server secret a hash cannot even be checked against a guessed id.
 */
export type ConversationKeys = {
  /** what the contact, its outbox rows and its pending messages are stored under */
  contact: (conversationId: string) => string
  /** the dedupe key of one message: unlinkable to the contact without the conversation id */
  message: (conversationId: string, messageId: string) => string
  /** seals a message's replies for a retry with a key only the conversation id opens */
  replay: (conversationId: string) => ReplayCipher
  /** a client address as a rate-limit key: never the address itself */
  client: (address: string) => string
}

/** Stored contact keys start with this, so an upgrade can tell them from raw ids of older versions. */
export const CONTACT_KEY_PREFIX = 'wc1.'
export const MESSAGE_KEY_PREFIX = 'wm1.'

const IV_BYTES = 12
const TAG_BYTES = 16

/** The keyed hashes and replay cipher of the web chat, from the server secret. */
export function conversationKeys(secret: Buffer): ConversationKeys {
  const mac = (purpose: string, value: string) => createHmac('sha256', secret).update(`${purpose}\u0000${value}`).digest()
  return {
    contact: (id) => CONTACT_KEY_PREFIX + mac('contact', id).toString('base64url'),
    message: (id, messageId) => MESSAGE_KEY_PREFIX + mac('message', `${id}\u0000${messageId}`).toString('base64url'),
    client: (address) => `client.${mac('client', address).toString('base64url')}`,
    replay: (id) => aesGcm(mac('replay', id)),
  }
}

function aesGcm(key: Buffer): ReplayCipher {
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    open(sealed) {
      if (sealed.length < IV_BYTES + TAG_BYTES) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES))
        decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
      } catch {
        return null
      }
    },
  }
}
