import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getCase, lookupCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { cases } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { forgetContact } from '../../src/privacy/forget-contact.js'
import { caseRow, fileCase, newContact } from '../cases/case-fixture.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-12-02T15:00:00Z')
const description = 'Me llamo Rosa Xiloj, mi número es 5512 3456. El 12/10/2026 no había medicina.'

describe.each(databaseKinds)('what staff read of a case, by identity mode, on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('shows staff the name a named citizen gave, with the phone masked; admins the text as written', async () => {
    const contact = await newContact(database, 'named-citizen')
    const { code } = await fileCase(database, { now, contactId: contact.id, draft: { identity: 'named', description } })
    expect((await getCase(database.db, code)).description).toBe('Me llamo Rosa Xiloj, mi número es [teléfono]. El 12/10/2026 no había medicina.')
    expect((await getCase(database.db, code, { original: true })).description).toBe(description)
  })

  it('hides the name a confidential citizen gave from staff, and keeps it for admins', async () => {
    const contact = await newContact(database, 'confidential-citizen')
    const { code } = await fileCase(database, { now, contactId: contact.id, draft: { identity: 'confidential', description } })
    expect((await getCase(database.db, code)).description).toBe('Me llamo [nombre], mi número es [teléfono]. El 12/10/2026 no había medicina.')
    expect((await getCase(database.db, code, { original: true })).description).toBe(description)
  })

  it('stores an anonymous case without the name, the phone or anything else that identifies', async () => {
    const { code, row } = await fileCase(database, { now, draft: { identity: 'anonymous', description, facility: 'Puesto de salud, soy Juan Pérez' } })
    expect(row.description).toBe('Me llamo [nombre], mi número es [teléfono]. El 12/10/2026 no había medicina.')
    expect(row.facility).toBe('Puesto de salud, soy [nombre]')
    expect((await getCase(database.db, code, { original: true })).description).not.toContain('Rosa')
  })

  it('masks the name in the cases of a citizen who asked to be forgotten', async () => {
    const contact = await newContact(database, 'forgotten-citizen')
    const { code } = await fileCase(database, { now, contactId: contact.id, draft: { identity: 'named', description } })
    await database.db.transaction((tx) => forgetContact(tx, contact.id, now))
    expect((await caseRow(database, code)).description).toBe('Me llamo [nombre], mi número es [teléfono]. El 12/10/2026 no había medicina.')
  })

  it('finds a case filed with an old eight-symbol code by that code, however it is typed', async () => {
    const { code } = await fileCase(database, { now })
    await database.db.update(cases).set({ code: 'K7QM-3XHA' }).where(eq(cases.code, code))
    expect(await lookupCase(database.db, 'k7qm 3xha')).toMatchObject({ found: true, code: 'K7QM-3XHA' })
    expect((await getCase(database.db, 'K7QM3XHA')).code).toBe('K7QM-3XHA')
  })

  it('finds a new case by its code typed in lower case, with spaces and O for zero', async () => {
    const { code } = await fileCase(database, { now })
    const typed = code.toLowerCase().replace('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l')
    expect(await lookupCase(database.db, typed)).toMatchObject({ found: true, code })
  })
})
