import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalationJob } from '../../src/cases/escalate-overdue.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { caseEvents, outbox } from '../../src/db/schema/index.js'
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

  it('escalates an overdue case to the parent unit once its deadline passes, and tells the citizen why', async () => {
    const contact = await newContact(database, 'chat-escalation')
    const { code, row } = await fileCase(database, { now: filed, contactId: contact.id })
    const job = escalationJob()
    const central = await unitId(database, 'MSPAS-CENTRAL')

    // 72 hours: one minute before the deadline nothing happens
    await runJobOnce(database.db, job, hours(71.9))
    expect((await caseRow(database, code)).status).toBe('routed')

    await runJobOnce(database.db, job, hours(72.5))
    const escalated = await caseRow(database, code)
    expect(escalated).toMatchObject({ status: 'escalated', unitId: central })
    // the central office has no rule of its own: the case keeps its 72-hour SLA
    expect(escalated.dueAt).toEqual(hours(72.5 + 72))
    const [event] = await eventsOf(row.id, 'escalated')
    expect(event).toMatchObject({ actor: 'system', fromStatus: 'routed', toStatus: 'escalated', unitId: central, public: true })
    expect(event?.note).toContain('Venció el plazo')
    expect(event?.note).toContain('Guatemala Nor Occidente')

    const [message] = await database.db.select().from(outbox).where(eq(outbox.address, 'chat-escalation'))
    expect(JSON.stringify(message?.body)).toContain(`Su caso ${code} no tuvo respuesta a tiempo`)
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
