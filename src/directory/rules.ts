import { type SQL, and, asc, desc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type RuleSource, type Sector, routingRules } from '../db/schema/index.js'
import { DomainError, NotFoundError, ValidationError } from '../domain-errors.js'
import { checkCategory, checkPlace, findUnit, isClosed } from './unit-checks.js'

export type Rule = typeof routingRules.$inferSelect

export type RuleInput = {
  sector: Sector
  category?: string | null
  departmentCode?: string | null
  municipalityCode?: string | null
  unitId: string
  slaHours: number
  priority?: number
  note?: string | null
}

export type ListRulesOptions = { sector?: Sector; unitId?: string; source?: RuleSource }

/** Routing rules, by sector and then most specific first, as an operator reads them. */
export async function listRules(db: DbOrTx, options: ListRulesOptions = {}): Promise<Rule[]> {
  const conditions: SQL[] = []
  if (options.sector) conditions.push(eq(routingRules.sector, options.sector))
  if (options.unitId) conditions.push(eq(routingRules.unitId, options.unitId))
  if (options.source) conditions.push(eq(routingRules.source, options.source))
  return db
    .select()
    .from(routingRules)
    .where(and(...conditions))
    .orderBy(asc(routingRules.sector), asc(routingRules.municipalityCode), asc(routingRules.departmentCode), asc(routingRules.category), desc(routingRules.priority), asc(routingRules.id))
}

/** One rule; NotFoundError when there is none. */
export async function getRule(db: DbOrTx, id: string): Promise<Rule> {
  const [row] = await db.select().from(routingRules).where(eq(routingRules.id, id))
  if (!row) throw new NotFoundError('rule', id)
  return row
}

async function checkRule(db: DbOrTx, rule: RuleInput, now: Date): Promise<void> {
  const unit = await findUnit(db, rule.unitId)
  if (!unit) throw new ValidationError(`unknown unit ${rule.unitId}`)
  if (isClosed(unit, now)) throw new ValidationError(`unit ${unit.code} is closed and cannot receive cases`)
  await checkPlace(db, rule.departmentCode, rule.municipalityCode)
  if (rule.category) await checkCategory(db, rule.sector, rule.category)
}

function columns(rule: RuleInput) {
  return {
    sector: rule.sector,
    category: rule.category ?? null,
    departmentCode: rule.departmentCode ?? null,
    municipalityCode: rule.municipalityCode ?? null,
    unitId: rule.unitId,
    slaHours: rule.slaHours,
    priority: rule.priority ?? 0,
    note: rule.note ?? null,
  }
}

/** Creates an operator's rule ('api': kept when the seed is reloaded). */
export async function createRule(db: DbOrTx, input: RuleInput, now: Date): Promise<Rule> {
  await checkRule(db, input, now)
  const [row] = await db.insert(routingRules).values({ ...columns(input), source: 'api' }).returning()
  if (!row) throw new Error('rule insert returned nothing')
  return row
}

/**
 * Seed rules belong to the seed file, which is applied again on every start: changing one here
 * would be undone (or duplicated) silently, so it is refused with what to do instead.
 */
function refuseSeedRule(rule: Rule): void {
  if (rule.source === 'seed') {
    throw new DomainError(
      'this rule comes from the seed file and is restored from it on every start: change it in the seed file, ' +
        'or add a rule through the API with a higher priority (or replace its unit)',
    )
  }
}

/** Changes a rule made through the API; the fields left out keep their values. */
export async function updateRule(db: DbOrTx, id: string, patch: Partial<RuleInput>, now: Date): Promise<Rule> {
  const current = await getRule(db, id)
  refuseSeedRule(current)
  const merged: RuleInput = { ...current, ...patch }
  await checkRule(db, merged, now)
  const [row] = await db.update(routingRules).set(columns(merged)).where(eq(routingRules.id, id)).returning()
  if (!row) throw new NotFoundError('rule', id)
  return row
}

/** Deletes a rule made through the API and returns what it was (for the audit log). */
export async function deleteRule(db: DbOrTx, id: string): Promise<Rule> {
  refuseSeedRule(await getRule(db, id))
  const [row] = await db.delete(routingRules).where(eq(routingRules.id, id)).returning()
  if (!row) throw new NotFoundError('rule', id)
  return row
}
