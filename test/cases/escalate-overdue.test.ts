import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalationJob } from '../../src/cases/escalate-overdue.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { caseEvents, outbox, staffSubscriptions } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { caseRow, fileCase, newContact, unitId } from './case-fixture.js'

const filed = new Date('2026-11-25T15:00:00Z')
const hours = (n: number) => new Date(filed.getTime() + n * 3_600_000)

describe.each(databaseKinds)('the escalation job on %s', (kind) => {
  let database: Database & { url?: string }
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const eventsOf = async (caseId: string, type: string) =>
    database.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, type))).orderBy(asc(caseEvents.id))
  const textsTo = async (address: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.address, address)).orderBy(asc(outbox.id))).map((row) => JSON.stringify(row.body))
  const staffChat = async (address: string, unitCode: string) => {
    const contact = await newContact(database, address)
    await database.db.insert(staffSubscriptions).values({ contactId: contact.id, unitId: await unitId(database, unitCode) })
    return contact
  }

  it('escalates a case nobody acknowledged at its first-response deadline, says so, and tells both units', async () => {
    const contact = await newContact(database, 'chat-no-ack')
    await staffChat('staff-area-no-ack', 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    await staffChat('staff-central-no-ack', 'MSPAS-CENTRAL')
    const { code, row } = await fileCase(database, { now: filed, contactId: contact.id })
    const central = await unitId(database, 'MSPAS-CENTRAL')
    // 72 hours to resolve: a third of it, 24 hours, to acknowledge
    expect(row.responseDueAt).toEqual(hours(24))
    const job = escalationJob()

    await runJobOnce(database.db, job, hours(23.9))
    expect((await caseRow(database, code)).status).toBe('routed')

    await runJobOnce(database.db, job, hours(24.1))
    const escalated = await caseRow(database, code)
    expect(escalated).toMatchObject({ status: 'escalated', unitId: central, respondedAt: null })
    // the central office has no rule of its own: it gets the case's 72 hours, both clocks afresh
    expect(escalated.dueAt).toEqual(hours(24.1 + 72))
    expect(escalated.responseDueAt).toEqual(hours(24.1 + 24))
    const [event] = await eventsOf(row.id, 'escalated')
    expect(event).toMatchObject({ actor: 'system', fromStatus: 'routed', toStatus: 'escalated', unitId: central, public: true })
    expect(event?.note).toContain('primera respuesta')
    expect(event?.note).toContain('Guatemala Nor Occidente')

    expect((await textsTo('chat-no-ack')).join()).toContain(`Su caso ${code} no recibió acuse de recibo a tiempo`)
    expect((await textsTo('staff-central-no-ack')).join()).toContain(`El caso ${code} (Falta de medicamentos o insumos, Mixco) no tuvo acuse de recibo a tiempo y se escaló`)
    // the unit that lost it hears of it too, instead of seeing it vanish
    expect((await textsTo('staff-area-no-ack')).join()).toContain(`El caso ${code} (Falta de medicamentos o insumos, Mixco) dejó su unidad`)
  })

  it('lets an acknowledged case run to its resolution deadline, and names that clock when it escalates', async () => {
    const contact = await newContact(database, 'chat-acked')
    const { code, row } = await fileCase(database, { now: filed, contactId: contact.id })
    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'acknowledged', actor: 'token:Ana', scope: null, now: hours(2) }))
    expect((await caseRow(database, code)).respondedAt).toEqual(hours(2))
    const job = escalationJob()

    await runJobOnce(database.db, job, hours(30))
    expect((await caseRow(database, code)).status).toBe('acknowledged')

    await runJobOnce(database.db, job, hours(72.5))
    expect((await caseRow(database, code)).status).toBe('escalated')
    const [event] = await eventsOf(row.id, 'escalated')
    expect(event?.note).toContain('plazo de resolución')
    expect(event?.note).not.toContain('acuse')
    const texts = (await textsTo('chat-acked')).join()
    expect(texts).toContain(`Su caso ${code} no se resolvió a tiempo`)
    expect(texts).not.toContain('no recibió acuse')
  })

  it('warns the unit once when a resolution deadline is a day away', async () => {
    await staffChat('staff-area-soon', 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    // filed later than the slots the tests above ran, which the job will not run again
    const { code } = await fileCase(database, { now: hours(100) })
    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'in_progress', actor: 'token:Ana', scope: null, now: hours(101) }))
    const job = escalationJob()
    const warningsOf = async () => (await textsTo('staff-area-soon')).filter((text) => text.includes(code) && text.includes('vence en menos de 24 horas'))
    await runJobOnce(database.db, job, hours(147))
    expect(await warningsOf()).toHaveLength(0)
    await runJobOnce(database.db, job, hours(148.5))
    await runJobOnce(database.db, job, hours(149))
    const warnings = await warningsOf()
    expect(warnings).toHaveLength(1)
    // the hour, not only the day: 100 + 72 hours after 15:00 UTC is 13:00 in Guatemala
    expect(warnings[0]).toContain('a las 13:00')
  })

  it('records a case overdue at the top of the ladder once, and does not loop on it', async () => {
    const { code, row } = await fileCase(database, { now: filed })
    const job = escalationJob()
    await runJobOnce(database.db, job, hours(200))
    await runJobOnce(database.db, job, hours(300))
    await runJobOnce(database.db, job, hours(400))
    expect(await eventsOf(row.id, 'escalated')).toHaveLength(1)
    const overdue = await eventsOf(row.id, 'overdue')
    expect(overdue).toHaveLength(1)
    expect(overdue[0]?.note).toContain('no tiene nivel superior')
    expect((await caseRow(database, code)).escalationEndedAt).toEqual(hours(300))
  })

  it('escalates once when two app instances run the job for the same slot', async () => {
    const { row } = await fileCase(database, { now: filed })
    const second = database.url ? await openDatabase({ kind: 'postgres', url: database.url, maxConnections: 2 }) : database
    try {
      const slot = hours(1000)
      const job = escalationJob()
      const outcomes = await Promise.all([runJobOnce(database.db, job, slot), runJobOnce(second.db, job, slot)])
      expect(outcomes).toContain('ran')
      expect(await eventsOf(row.id, 'escalated')).toHaveLength(1)
    } finally {
      if (second !== database) await second.close()
    }
  })
})
