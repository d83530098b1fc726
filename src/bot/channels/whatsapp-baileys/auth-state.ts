import { BufferJSON, initAuthCreds, proto, type AuthenticationState, type SignalDataSet } from '@whiskeysockets/baileys'
import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../../db/client.js'
import { whatsappAuthKeys } from '../../../db/schema/index.js'

const CREDS = 'creds'

// A sanity check on what we read back: the rest of the shape is Baileys' own and it checks it.
const StoredCredsSchema = z.looseObject({
  noiseKey: z.looseObject({ public: z.instanceof(Uint8Array), private: z.instanceof(Uint8Array) }),
  registrationId: z.number().int(),
  advSecretKey: z.string(),
})

/** Baileys' values (key pairs, buffers, protobuf objects) round-trip through its own BufferJSON. */
const serialise = (value: unknown) => JSON.stringify(value, BufferJSON.replacer)
const revive = (text: string) => JSON.parse(text, BufferJSON.reviver)

export type DatabaseAuthState = {
  state: AuthenticationState
  /** writes the creds after Baileys changed them (on `creds.update`) */
  saveCreds: () => Promise<void>
  /** forgets the login and keys: after a log-out the next start links the number afresh */
  clear: () => Promise<void>
}

/**
 * Baileys' auth state kept in the database (creds and Signal keys, one row each) instead of
 * files, so that any instance that takes over the number's lease can open its socket.
 */
export async function useDatabaseAuthState(db: Db, account: string): Promise<DatabaseAuthState> {
  const where = (category: string) => and(eq(whatsappAuthKeys.account, account), eq(whatsappAuthKeys.category, category))
  const [stored] = await db.select({ value: whatsappAuthKeys.value }).from(whatsappAuthKeys).where(where(CREDS))
  const creds = stored ? revive(stored.value) : initAuthCreds()
  if (stored) StoredCredsSchema.parse(creds)

  const state: AuthenticationState = {
    creds,
    keys: {
      async get(type, ids) {
        if (ids.length === 0) return {}
        const rows = await db
          .select({ keyId: whatsappAuthKeys.keyId, value: whatsappAuthKeys.value })
          .from(whatsappAuthKeys)
          .where(and(where(type), inArray(whatsappAuthKeys.keyId, ids)))
        return Object.fromEntries(
          rows.map((row) => {
            const value = revive(row.value)
            // Baileys needs this one as a protobuf object, as its own file store does.
            return [row.keyId, type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value) : value]
          }),
        )
      },
      async set(data: SignalDataSet) {
        await db.transaction(async (tx) => {
          for (const [category, entries] of Object.entries(data)) {
            for (const [keyId, value] of Object.entries(entries ?? {})) {
              const key = { account, category, keyId }
              if (value === null || value === undefined) {
                await tx.delete(whatsappAuthKeys).where(and(where(category), eq(whatsappAuthKeys.keyId, keyId)))
                continue
              }
              const text = serialise(value)
              await tx
                .insert(whatsappAuthKeys)
                .values({ ...key, value: text })
                .onConflictDoUpdate({ target: [whatsappAuthKeys.account, whatsappAuthKeys.category, whatsappAuthKeys.keyId], set: { value: text, updatedAt: new Date() } })
            }
          }
        })
      },
    },
  }

  return {
    state,
    async saveCreds() {
      const text = serialise(state.creds)
      await db
        .insert(whatsappAuthKeys)
        .values({ account, category: CREDS, keyId: '', value: text })
        .onConflictDoUpdate({ target: [whatsappAuthKeys.account, whatsappAuthKeys.category, whatsappAuthKeys.keyId], set: { value: text, updatedAt: new Date() } })
    },
    async clear() {
      await db.delete(whatsappAuthKeys).where(eq(whatsappAuthKeys.account, account))
    },
  }
}
