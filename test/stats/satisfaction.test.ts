import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import { askFollowUps } from '../../src/cases/follow-up-job.js'
import { recordFollowUpAnswer } from '../../src/cases/follow-up-answer.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import type { FollowUpAnswer } from '../../src/db/schema/index.js'
import { timeliness } from '../../src/stats/timeliness.js'
import { caseRow, fileCase, newContact } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const filed = new Date('2026-11-02T16:00:00Z')
const resolved = new Date('2026-11-03T16:00:00Z')
// 16:00 UTC is 10:00 in Guatemala: a decent hour to ask
const asked = new Date('2026-11-18T16:00:00Z')
const weekLater = new Date('2026-11-26T16:00:00Z')
const MIFAPRO_XELA = { sector: 'cash_transfer', category: 'payment_missing', department: '09', municipality: '0901', facility: '' } as const

type Row = Record<string, string | number>

describe.each(databaseKinds)('satisfaction per unit on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string
  let now = filed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin', unitIds: [] })).token

    // Mixco health area: four citizens asked (yes, yes, no, silence), one anonymous case nobody can ask
    const answers: (FollowUpAnswer | null)[] = ['yes', 'yes', 'no', null]
    const codes: { code: string; answer: FollowUpAnswer | null }[] = []
    for (const [i, answer] of answers.entries()) {
      const contact = await newContact(database, `chat-satisfaction-${i}`)
      codes.push({ code: (await fileCase(database, { now: filed, contactId: contact.id })).code, answer })
    }
    const anonymous = (await fileCase(database, { now: filed, draft: { identity: 'anonymous' } })).code
    // MIFAPRO Quetzaltenango: one citizen asked, who says yes
    const xela = await newContact(database, 'chat-satisfaction-xela')
    codes.push({ code: (await fileCase(database, { now: filed, contactId: xela.id, draft: MIFAPRO_XELA })).code, answer: 'yes' })

    for (const code of [...codes.map((c) => c.code), anonymous]) {
      await database.db.transaction((tx) => transitionCase(tx, { code, to: 'resolved', actor: 'token:Ana', scope: null, now: resolved, note: 'Atendido' }))
    }
    await database.db.transaction((tx) => askFollowUps(tx, asked, { startFlow: async () => 'started', days: 14 }))
    for (const { code, answer } of codes) {
      if (answer === null) continue
      const { id } = await caseRow(database, code)
      await database.db.transaction((tx) => recordFollowUpAnswer(tx, { caseId: id, answer, now: asked }))
    }
    // a week without an answer is recorded as none
    await database.db.transaction((tx) => askFollowUps(tx, weekLater, { startFlow: async () => 'started', days: 14 }))
    now = weekLater
  })
  afterAll(async () => {
    await database.close()
  })

  const league = async (): Promise<Row[]> => {
    const response = await composed.app.request('/api/v1/stats/timeliness?groupBy=unit', { headers: { authorization: `Bearer ${admin}` } })
    expect(response.status).toBe(200)
    return ((await response.json()) as { rows: Row[] }).rows
  }
  const rowOf = (rows: Row[], unit: string) => rows.find((row) => String(row.unitName).includes(unit))

  it('counts, for admins, per unit how many citizens were asked and said yes, no or nothing, and the share of yes among answers', async () => {
    const rows = await league()
    expect(rowOf(rows, 'Nor Occidente')).toMatchObject({
      cases: 5,
      followUpsAsked: 4,
      followUpsYes: 2,
      followUpsNo: 1,
      followUpsUnanswered: 1,
      satisfiedPercent: 66.7,
    })
    expect(rowOf(rows, 'Quetzaltenango')).toMatchObject({ cases: 1, followUpsAsked: 1, followUpsYes: 1, followUpsNo: 0, followUpsUnanswered: 0, satisfiedPercent: 100 })
  })

  it('names the satisfaction columns in the CSV export', async () => {
    const response = await composed.app.request('/api/v1/stats/timeliness?groupBy=unit&format=csv', { headers: { authorization: `Bearer ${admin}` } })
    const [header] = (await response.text()).split('\n')
    expect(header).toContain('followUpsAsked')
    expect(header).toContain('satisfiedPercent')
  })

  it('withholds small satisfaction counts and never shows a share beside a withheld one', async () => {
    const answer = await timeliness(database.db, { groupBy: ['unit'], lang: 'es' }, 5, weekLater)
    const mixco = rowOf(answer.rows as Row[], 'Nor Occidente')
    expect(mixco).toMatchObject({ followUpsYes: '<5', followUpsNo: '<5' })
    expect(mixco).not.toHaveProperty('satisfiedPercent')
  })
})
