import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUESTABLE_STATUSES, TRANSITIONS } from '../../src/cases/case-transitions.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import type { Database } from '../../src/db/client.js'
import { CASE_STATUSES, caseEvents } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { InvalidTransitionError, NotFoundError, ValidationError } from '../../src/domain-errors.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { caseRow, fileCase, forceStatus, unitId } from './case-fixture.js'

const now = new Date('2026-11-25T15:00:00Z')
const later = new Date('2026-11-27T15:00:00Z')

const pairs = CASE_STATUSES.flatMap((from) => REQUESTABLE_STATUSES.map((to) => ({ from, to, legal: TRANSITIONS[from].includes(to) })))

describe.each(databaseKinds)('transitionCase on %s', (kind) => {
  let database: Database
  let code: string
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    ;({ code } = await fileCase(database, { now }))
  })
  afterAll(async () => {
    await database.close()
  })

  const move = (to: (typeof REQUESTABLE_STATUSES)[number], extra: { note?: string; scope?: readonly string[] | null } = {}) =>
    database.db.transaction((tx) => transitionCase(tx, { code, to, note: extra.note ?? 'nota', actor: 'token:ana', scope: extra.scope ?? null, now: later }))

  it.each(pairs)('from $from to $to is legal: $legal', async ({ from, to, legal }) => {
    await forceStatus(database, code, from)
    if (legal) {
      await expect(move(to)).resolves.toMatchObject({ from, to })
      expect((await caseRow(database, code)).status).toBe(to)
    } else {
      const error = await move(to).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidTransitionError)
      expect(String(error)).toContain(`a case that is ${from} cannot become ${to}`)
      expect((await caseRow(database, code)).status).toBe(from)
    }
  })

  it('records each change as an event with actor, statuses, note and visibility', async () => {
    await forceStatus(database, code, 'routed')
    await database.db.transaction((tx) =>
      transitionCase(tx, { code, to: 'in_progress', note: 'Se pidió el medicamento', public: false, actor: 'token:ana', scope: null, now: later }),
    )
    const row = await caseRow(database, code)
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id)).orderBy(asc(caseEvents.id))
    expect(events.at(-1)).toMatchObject({
      actor: 'token:ana',
      type: 'in_progress',
      fromStatus: 'routed',
      toStatus: 'in_progress',
      note: 'Se pidió el medicamento',
      public: false,
      unitId: row.unitId,
    })
  })

  it('refuses to reject a case without a reason', async () => {
    await forceStatus(database, code, 'routed')
    await expect(
      database.db.transaction((tx) => transitionCase(tx, { code, to: 'rejected', note: '  ', actor: 'token:ana', scope: null, now: later })),
    ).rejects.toBeInstanceOf(ValidationError)
  })

  it('stamps the resolution time and gives a reopened case a fresh deadline', async () => {
    await forceStatus(database, code, 'in_progress')
    await move('resolved')
    expect((await caseRow(database, code)).resolvedAt).toEqual(later)
    await move('reopened')
    const row = await caseRow(database, code)
    expect(row.resolvedAt).toBeNull()
    expect(row.dueAt).toEqual(new Date(later.getTime() + 72 * 3_600_000))
  })

  it("reports another unit's case as not found", async () => {
    await forceStatus(database, code, 'routed')
    const elsewhere = await unitId(database, 'MSPAS-DAS-IXIL')
    await expect(move('acknowledged', { scope: [elsewhere] })).rejects.toBeInstanceOf(NotFoundError)
    expect((await caseRow(database, code)).status).toBe('routed')
  })
})
