import { count, inArray } from 'drizzle-orm'
import type { UnitScope } from '../cases/case-ref.js'
import { guatemalaDateTime } from '../cases/guatemala-date.js'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, type IdentityMode, type Sector, cases, categories } from '../db/schema/index.js'
import { staffTranslate } from '../staff/staff-text.js'
import type { OfficeLocale, OfficeT, OfficeText } from './strings.js'

/** A status as staff read it in chats too (from the locale files). */
export function statusLabel(locale: OfficeLocale, status: CaseStatus): string {
  return staffTranslate(locale, `caseStatus.${status}`)
}

const SECTOR_TEXT = { health: 'sectorHealth', education: 'sectorEducation', cash_transfer: 'sectorCashTransfer' } as const satisfies Record<Sector, OfficeText>
const IDENTITY_TEXT = { named: 'identityNamed', confidential: 'identityConfidential', anonymous: 'identityAnonymous' } as const satisfies Record<IdentityMode, OfficeText>

export function sectorLabel(t: OfficeT, sector: Sector): string {
  return t(SECTOR_TEXT[sector])
}

export function identityLabel(t: OfficeT, mode: IdentityMode): string {
  return t(IDENTITY_TEXT[mode])
}

/** Category names per sector and language, from the catalog; the code when a language has none. */
export async function categoryLabels(db: DbOrTx, locale: OfficeLocale): Promise<(sector: string, code: string) => string> {
  const rows = await db.select({ sector: categories.sector, code: categories.code, labels: categories.labels }).from(categories)
  const byKey = new Map(rows.map((row) => [`${row.sector}:${row.code}`, row.labels[locale] ?? row.labels.es ?? row.code]))
  return (sector, code) => byKey.get(`${sector}:${code}`) ?? byKey.get(`any:${code}`) ?? code
}

/** An instant as Guatemala reads it: `2026-12-01 09:30`. */
export function when(at: Date | null): string {
  return at === null ? '—' : guatemalaDateTime(at)
}

/** How many cases of the scope are in each status (every case the caller may list anyway). */
export async function countByStatus(db: DbOrTx, scope: UnitScope): Promise<Map<CaseStatus, number>> {
  if (scope !== null && scope.length === 0) return new Map()
  const rows = await db
    .select({ status: cases.status, n: count() })
    .from(cases)
    .where(scope === null ? undefined : inArray(cases.unitId, [...scope]))
    .groupBy(cases.status)
  return new Map(rows.map((row) => [row.status, Number(row.n)]))
}
