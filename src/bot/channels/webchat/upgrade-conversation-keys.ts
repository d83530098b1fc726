import { and, eq, like, not } from 'drizzle-orm'
import type { Db } from '../../../db/client.js'
import { contacts, inboundMessages, outbox, webchatMessages } from '../../../db/schema/index.js'
import { CONTACT_KEY_PREFIX, type ConversationKeys, MESSAGE_KEY_PREFIX } from './conversation-keys.js'

export type UpgradeCounts = { contacts: number; outbox: number; webchat: number; inbound: number }

/**
 * Versions before the keyed hashes stored the web chat's conversation id as is. On start, every
 * such row is rewritten under its hash, so those conversations keep working and the raw ids are
 * gone. Rows already upgraded carry the key prefix and are left alone; runs in one transaction.
 */
export async function upgradeConversationKeys(db: Db, keys: ConversationKeys): Promise<UpgradeCounts> {
  const raw = (column: Parameters<typeof like>[0], prefix: string) => not(like(column, `${prefix}%`))
  return db.transaction(async (tx) => {
    const oldContacts = await tx
      .select({ id: contacts.id, key: contacts.channelUserId })
      .from(contacts)
      .where(and(eq(contacts.channel, 'webchat'), raw(contacts.channelUserId, CONTACT_KEY_PREFIX)))
    for (const row of oldContacts) {
      await tx.update(contacts).set({ channelUserId: keys.contact(row.key) }).where(eq(contacts.id, row.id))
    }
    const oldOutbox = await tx
      .selectDistinct({ address: outbox.address })
      .from(outbox)
      .where(and(eq(outbox.channel, 'webchat'), raw(outbox.address, CONTACT_KEY_PREFIX)))
    for (const row of oldOutbox) {
      await tx.update(outbox).set({ address: keys.contact(row.address) }).where(and(eq(outbox.channel, 'webchat'), eq(outbox.address, row.address)))
    }
    const oldPending = await tx
      .selectDistinct({ id: webchatMessages.conversationId })
      .from(webchatMessages)
      .where(raw(webchatMessages.conversationId, CONTACT_KEY_PREFIX))
    for (const row of oldPending) {
      await tx.update(webchatMessages).set({ conversationId: keys.contact(row.id) }).where(eq(webchatMessages.conversationId, row.id))
    }
    // `<conversation>:<message>` held the raw id; the keyed form is what the route now looks up.
    const oldInbound = await tx
      .select({ id: inboundMessages.id, externalId: inboundMessages.externalId })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, 'webchat'), raw(inboundMessages.externalId, MESSAGE_KEY_PREFIX)))
    for (const row of oldInbound) {
      const split = row.externalId.indexOf(':')
      const externalId = split < 0 ? keys.message(row.externalId, '') : keys.message(row.externalId.slice(0, split), row.externalId.slice(split + 1))
      await tx.update(inboundMessages).set({ externalId, contactId: null }).where(eq(inboundMessages.id, row.id))
    }
    return { contacts: oldContacts.length, outbox: oldOutbox.length, webchat: oldPending.length, inbound: oldInbound.length }
  })
}
