import { readFile } from 'node:fs/promises'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../client.js'
import { type ReferenceCounts, loadReferenceData } from '../reference/load-reference.js'
import { institutions, units } from '../schema/index.js'
import { type Seed, SeedSchema, type SeedUnit } from './seed-schema.js'
import { syncSeedRules } from './sync-seed-rules.js'

export { SeedSchema, type Seed, type SeedInput } from './seed-schema.js'

/** The directory an operator edits, at the top of the repository. */
export const defaultSeedPath = new URL('../../../seed/directory.json', import.meta.url)

export type LoadSeedOptions = {
  /** delete every routing rule, those made through the API too, and load the seed's */
  replaceRules?: boolean
}

/** An arbitrary constant naming the seeding lock among the app's advisory locks. */
const SEED_LOCK_KEY = 4_710_001

/** `rulesLoaded` counts the seed rules inserted: 0 when the file's rules did not change. */
export type SeedCounts = { institutions: number; units: number; rulesLoaded: number }

/**
 * Upserts the seed's institutions and units by code, and makes the seed's routing rules (source
 * 'seed') equal to the file's, keeping the rules made through the admin API (source 'api').
 */
export async function loadSeed(db: DbOrTx, seed: Seed, options: LoadSeedOptions = {}): Promise<SeedCounts> {
  const institutionIds = new Map<string, string>()
  if (seed.institutions.length > 0) {
    const rows = await db
      .insert(institutions)
      .values(seed.institutions.map((i) => ({ code: i.code, name: i.name })))
      .onConflictDoUpdate({ target: institutions.code, set: { name: sql`excluded.name` } })
      .returning({ id: institutions.id, code: institutions.code })
    for (const row of rows) institutionIds.set(row.code, row.id)
  }

  const unitIds = await upsertUnits(db, seed.units, institutionIds)

  const rulesLoaded = await syncSeedRules(db, seed, unitIds, options.replaceRules)
  return { institutions: seed.institutions.length, units: seed.units.length, rulesLoaded }
}

/**
 * Upserts units parents first, one statement per level of the ladder, so that every parent id is
 * known when its children are written. `validTo` is left alone: a unit closed through the API stays
 * closed.
 */
async function upsertUnits(db: DbOrTx, seedUnits: readonly SeedUnit[], institutionIds: Map<string, string>) {
  const ids = new Map<string, string>()
  let pending = seedUnits
  while (pending.length > 0) {
    const ready = pending.filter((unit) => unit.parent === undefined || ids.has(unit.parent))
    if (ready.length === 0) throw new Error(`units form a cycle: ${pending.map((u) => u.code).join(', ')}`)
    const rows = await db
      .insert(units)
      .values(
        ready.map((unit) => ({
          code: unit.code,
          institutionId: required(institutionIds, unit.institution),
          parentId: unit.parent === undefined ? null : required(ids, unit.parent),
          name: unit.name,
          departmentCode: unit.department ?? null,
          municipalityCode: unit.municipality ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: units.code,
        set: {
          institutionId: sql`excluded.institution_id`,
          // A parent closed through the API (replaced by a successor) is not put back: the unit keeps
          // the successor it was moved to.
          parentId: sql`case when exists (select 1 from ${units} p where p.id = excluded.parent_id and p.valid_to is not null) then ${units.parentId} else excluded.parent_id end`,
          name: sql`excluded.name`,
          departmentCode: sql`excluded.department_code`,
          municipalityCode: sql`excluded.municipality_code`,
        },
      })
      .returning({ id: units.id, code: units.code })
    for (const row of rows) ids.set(row.code, row.id)
    pending = pending.filter((unit) => !ids.has(unit.code))
  }
  return ids
}

function required(ids: Map<string, string>, code: string): string {
  const id = ids.get(code)
  // SeedSchema checks every reference, so this only fires on a seed that skipped validation.
  if (id === undefined) throw new Error(`seed refers to unknown code ${code}`)
  return id
}

/** Reads and validates a seed file; the error names the file and every problem in it. */
export async function readSeedFile(path: string | URL = defaultSeedPath): Promise<Seed> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`cannot read seed file ${String(path)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  const parsed = SeedSchema.safeParse(json)
  if (!parsed.success) throw new Error(`invalid seed file ${String(path)}:\n${z.prettifyError(parsed.error)}`)
  return parsed.data
}

/**
 * Loads the reference data and the seed file in one transaction, on app start and in tests. An
 * advisory lock keeps two instances starting together from both finding the rules table empty.
 */
export async function seedDatabase(
  db: DbOrTx,
  path: string | URL = defaultSeedPath,
  options: LoadSeedOptions = {},
): Promise<{ reference: ReferenceCounts; directory: SeedCounts }> {
  const seed = await readSeedFile(path)
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`)
    const reference = await loadReferenceData(tx)
    const directory = await loadSeed(tx, seed, options)
    return { reference, directory }
  })
}
