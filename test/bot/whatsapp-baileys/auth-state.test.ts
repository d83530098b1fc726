import { initAuthCreds, proto } from '@whiskeysockets/baileys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDatabaseAuthState } from '../../../src/bot/channels/whatsapp-baileys/auth-state.js'
import type { Database } from '../../../src/db/client.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'

describe.each(databaseKinds)('useDatabaseAuthState on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('starts with fresh creds and reads saved creds back byte for byte', async () => {
    const first = await useDatabaseAuthState(database.db, 'creds-account')
    expect(first.state.creds.registered).toBe(false)
    first.state.creds.registered = true
    await first.saveCreds()

    const again = await useDatabaseAuthState(database.db, 'creds-account')
    expect(again.state.creds.registered).toBe(true)
    expect(Buffer.from(again.state.creds.noiseKey.private)).toEqual(Buffer.from(first.state.creds.noiseKey.private))
    expect(Buffer.isBuffer(again.state.creds.signedIdentityKey.public)).toBe(true)
    expect(again.state.creds.advSecretKey).toBe(first.state.creds.advSecretKey)
  })

  it('round-trips Signal keys, app-state keys as protobuf objects, and deletes keys set to null', async () => {
    const { state } = await useDatabaseAuthState(database.db, 'keys-account')
    const preKey = initAuthCreds().signedIdentityKey
    const session = new Uint8Array([1, 2, 3, 250])
    const appStateKey = proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from('secret-key-data'), timestamp: 1_700_000_000 })
    await state.keys.set({ 'pre-key': { '1': preKey, '2': preKey }, session: { 'abc.0': session }, 'app-state-sync-key': { AAAA: appStateKey } })

    const reopened = (await useDatabaseAuthState(database.db, 'keys-account')).state
    const preKeys = await reopened.keys.get('pre-key', ['1', '2', '3'])
    expect(Object.keys(preKeys).sort()).toEqual(['1', '2'])
    expect(Buffer.from(preKeys['1']?.private ?? [])).toEqual(Buffer.from(preKey.private))
    const sessions = await reopened.keys.get('session', ['abc.0'])
    expect(Buffer.from(sessions['abc.0'] ?? [])).toEqual(Buffer.from(session))
    const appState = await reopened.keys.get('app-state-sync-key', ['AAAA'])
    expect(appState.AAAA).toBeInstanceOf(proto.Message.AppStateSyncKeyData)
    expect(Buffer.from(appState.AAAA?.keyData ?? []).toString()).toBe('secret-key-data')

    await reopened.keys.set({ 'pre-key': { '1': null } })
    expect(Object.keys(await reopened.keys.get('pre-key', ['1', '2']))).toEqual(['2'])
  })

  it('keeps accounts apart and forgets one account entirely on clear', async () => {
    const one = await useDatabaseAuthState(database.db, 'one')
    const two = await useDatabaseAuthState(database.db, 'two')
    await one.saveCreds()
    await one.state.keys.set({ session: { s: new Uint8Array([9]) } })
    await two.state.keys.set({ session: { s: new Uint8Array([7]) } })
    await one.clear()
    expect(await (await useDatabaseAuthState(database.db, 'one')).state.keys.get('session', ['s'])).toEqual({})
    expect((await useDatabaseAuthState(database.db, 'one')).state.creds.advSecretKey).not.toBe(one.state.creds.advSecretKey)
    const kept = await two.state.keys.get('session', ['s'])
    expect(Buffer.from(kept.s ?? [])).toEqual(Buffer.from([7]))
  })
})
