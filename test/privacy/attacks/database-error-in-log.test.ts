import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/db/client.js'
import { testApp, webchatConversation } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { capturingLogger } from './capture-log.js'

const NAME = 'Rosa Xitumul Tzoc'
const PHONE = '5512 3456'
const DPI = '2345 67890 0101'
const DESCRIPTION = `Me llamo ${NAME}, mi teléfono es ${PHONE} y mi DPI ${DPI}. El director cobra por las consultas.`
const FACILITY = 'Centro de Salud Colonia Lo de Bran'
const SECRETS = [NAME, 'Xitumul', PHONE, '55123456', DPI, '2345', 'director cobra', FACILITY, 'Lo de Bran']

describe.each(databaseKinds)('a database error mid-complaint on %s', (kind) => {
  let database: Database

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('answers kindly at the same question and logs no name, phone, DPI or description, even at trace level', async () => {
    const capture = capturingLogger()
    const composed = await testApp(database, undefined, capture.logger)
    const chat = webchatConversation(composed.app, 'attack-database-error-in-log-0001')
    await chat.say('hola')
    await chat.press(/queja/i)
    await chat.press(/^salud/i)
    await chat.press(/medicamentos/i)
    await chat.say('guatemala')
    await chat.say('mixco')
    await chat.say(FACILITY)
    await chat.say('no')
    await chat.say(DESCRIPTION)
    // From here on filing the case fails in the database, whose error carries the whole row.
    await database.db.execute(sql.raw('ALTER TABLE cases ADD CONSTRAINT attack_forced_failure CHECK (false) NOT VALID'))
    await chat.say('no')
    await chat.press(/confidencial/i)
    await chat.say('sí')
    await chat.say('sí')
    // the citizen is told kindly and stays at the review's question; nothing of theirs is echoed
    expect(chat.text()).toMatch(/algo falló de nuestro lado/)
    expect(chat.text()).toMatch(/¿Enviamos su queja así\?/)
    for (const secret of SECRETS) expect(chat.text()).not.toContain(secret)

    const logged = capture.output()
    expect(logged).toMatch(/an effect failed/)
    for (const secret of SECRETS) expect(logged).not.toContain(secret)
    // the fault can still be found: the database's code and the statement's table
    expect(logged).toContain('23514')
    expect(logged).toContain('insert into \\"cases\\"')
  })

  it('keeps neither parameters nor quoted values of a failed query when the error itself is logged', async () => {
    const capture = capturingLogger()
    const failed = await database.db
      .execute(sql`select ${DESCRIPTION}::uuid`)
      .then(() => null)
      .catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(Error)
    capture.logger.error(failed)
    capture.logger.warn({ error: failed, cause: failed }, 'as Baileys logs it')
    const logged = capture.output()
    for (const secret of SECRETS) expect(logged).not.toContain(secret)
    expect(logged).toContain('22P02')
    expect(logged).not.toMatch(/stack|params|parameters/)
  })
})
