import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken, revokeToken } from '../../src/auth/tokens.js'
import type { Database } from '../../src/db/client.js'
import { officeSessions, officeSignInCodes, staffSubscriptions } from '../../src/db/schema/index.js'
import { createOfficeSession, csrfMatches, csrfTokenFor, endOfficeSession, readOfficeSession } from '../../src/office/office-sessions.js'
import { createSignInCode, purgeSignInCodes, redeemSignInCode } from '../../src/office/sign-in-codes.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { newContact, unitId } from '../cases/case-fixture.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const MINUTE = 60_000

describe.each(databaseKinds)('office sessions and sign-in codes on %s', (kind) => {
  let database: Database
  let unit: string
  const t0 = new Date('2026-12-01T15:00:00Z')
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE)

  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db, './seed/directory.json')
    unit = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
  })
  afterAll(async () => {
    await database.close()
  })

  it('stores only a hash of the session secret, and a token session carries the token scope', async () => {
    const token = await createToken(database.db, { name: 'Ana', role: 'institution', unitIds: [unit] })
    const secret = await createOfficeSession(database.db, { kind: 'token', tokenId: token.id, now: t0 })
    const rows = await database.db.select().from(officeSessions)
    expect(JSON.stringify(rows)).not.toContain(secret)
    const user = await readOfficeSession(database.db, secret, at(1))
    expect(user).toMatchObject({ role: 'institution', actorName: 'token:Ana', scope: [unit], csrf: csrfTokenFor(secret) })
    expect(csrfMatches(secret, user?.csrf)).toBe(true)
    expect(csrfMatches(secret, csrfTokenFor('another-session-secret-000000'))).toBe(false)
    expect(csrfMatches(secret, undefined)).toBe(false)
  })

  it('ends a session when idle too long, past its absolute end, when signed out, and when its token is revoked', async () => {
    const token = await createToken(database.db, { name: 'Beto', role: 'admin' })
    const idle = await createOfficeSession(database.db, { kind: 'token', tokenId: token.id, now: t0 })
    expect(await readOfficeSession(database.db, idle, at(29))).not.toBeNull()
    expect(await readOfficeSession(database.db, idle, at(29 + 31))).toBeNull()

    const busy = await createOfficeSession(database.db, { kind: 'token', tokenId: token.id, now: t0, maxHours: 1 })
    for (let minute = 20; minute < 60; minute += 20) expect(await readOfficeSession(database.db, busy, at(minute))).not.toBeNull()
    expect(await readOfficeSession(database.db, busy, at(61))).toBeNull()

    const signedOut = await createOfficeSession(database.db, { kind: 'token', tokenId: token.id, now: t0 })
    const user = await readOfficeSession(database.db, signedOut, at(1))
    if (!user) throw new Error('no session')
    await endOfficeSession(database.db, user.sessionId, at(2))
    expect(await readOfficeSession(database.db, signedOut, at(3))).toBeNull()

    const revoked = await createOfficeSession(database.db, { kind: 'token', tokenId: token.id, now: t0 })
    await revokeToken(database.db, token.id, at(1))
    expect(await readOfficeSession(database.db, revoked, at(2))).toBeNull()
  })

  it("scopes a staff chat's session to the units it is linked to now", async () => {
    const staff = await newContact(database, 'staff-office-1')
    await database.db.insert(staffSubscriptions).values({ contactId: staff.id, unitId: unit })
    const secret = await createOfficeSession(database.db, { kind: 'staff', contactId: staff.id, now: t0 })
    expect(await readOfficeSession(database.db, secret, at(1))).toMatchObject({ kind: 'staff', role: 'institution', actorName: `staff:${staff.id}`, scope: [unit] })
    await database.db.delete(staffSubscriptions)
    expect(await readOfficeSession(database.db, secret, at(2))).toBeNull()
  })

  it('spends a sign-in code once, before it expires, and keeps only its hash', async () => {
    const staff = await newContact(database, 'staff-office-2')
    const first = await createSignInCode(database.db, { contactId: staff.id, now: t0 })
    const { code } = await createSignInCode(database.db, { contactId: staff.id, now: t0 })
    expect(JSON.stringify(await database.db.select().from(officeSignInCodes))).not.toContain(code)
    // a newer code voids the older one
    expect(await redeemSignInCode(database.db, { code: first.code, now: at(1) })).toBeNull()
    expect(await redeemSignInCode(database.db, { code: code.toLowerCase(), now: at(1) })).toBe(staff.id)
    expect(await redeemSignInCode(database.db, { code, now: at(2) })).toBeNull()
    const late = await createSignInCode(database.db, { contactId: staff.id, now: t0 })
    expect(await redeemSignInCode(database.db, { code: late.code, now: at(11) })).toBeNull()
    await purgeSignInCodes(database.db, at(11))
    expect(await database.db.select().from(officeSignInCodes)).toEqual([])
  })
})
