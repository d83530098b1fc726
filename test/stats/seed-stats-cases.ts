import { eq } from 'drizzle-orm'
import { type CaseDraft, createCase } from '../../src/cases/create-case.js'
import type { Db } from '../../src/db/client.js'
import { type CaseStatus, caseEvents, cases } from '../../src/db/schema/index.js'
import { syncCaseStats } from '../../src/stats/sync-case-stats.js'

const HOUR = 3_600_000

/** Files `count` complaints of one kind at `at`, through createCase as the chat (or `channel`) does. */
export async function fileCases(
  db: Db,
  count: number,
  draft: Omit<CaseDraft, 'facility' | 'description' | 'identity'>,
  at: Date,
  channel = 'webchat',
): Promise<string[]> {
  const codes: string[] = []
  for (let i = 0; i < count; i++) {
    const created = await db.transaction((tx) =>
      createCase(tx, { ...draft, facility: 'Centro de Salud', description: 'No hay medicinas.', identity: 'anonymous' }, { now: at, contactId: null, channel, locale: 'es' }),
    )
    codes.push(created.code)
  }
  return codes
}

/**
 * Moves a case to a status `hours` after it was filed, as case management does: the case row, an
 * event, and the statistics in the same transaction.
 */
export async function moveCase(db: Db, code: string, to: CaseStatus, hours: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [kase] = await tx.select().from(cases).where(eq(cases.code, code))
    if (!kase) throw new Error(`no case ${code}`)
    const at = new Date(kase.createdAt.getTime() + hours * HOUR)
    await tx.update(cases).set({ status: to, updatedAt: at }).where(eq(cases.id, kase.id))
    await tx.insert(caseEvents).values({ caseId: kase.id, at, actor: 'token:test', type: to, fromStatus: kase.status, toStatus: to, unitId: kase.unitId })
    await syncCaseStats(tx, kase.id)
  })
}
