import { beforeAll, describe, expect, it } from 'vitest'
import type { Catalog } from '../../src/bot/engine/types.js'
import { loadCatalog } from '../../src/db/catalog.js'
import { loadReferenceData } from '../../src/db/reference/load-reference.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('loadCatalog on %s', (kind) => {
  let catalog: Catalog
  beforeAll(async () => {
    const database = await freshDatabase(kind)
    try {
      await loadReferenceData(database.db)
      catalog = await loadCatalog(database.db)
    } finally {
      await database.close()
    }
  })

  it('offers the three sectors with Spanish and English labels', () => {
    expect(catalog.sectors).toEqual([
      { code: 'health', label: { es: 'Salud', en: 'Health' } },
      { code: 'education', label: { es: 'Educación', en: 'Education' } },
      { code: 'cash_transfer', label: { es: 'MIFAPRO (transferencias)', en: 'MIFAPRO (cash transfer)' } },
    ])
  })

  it('lists each sector’s categories in file order followed by the ones that apply to any sector', () => {
    const health = catalog.categories.filter((c) => c.sector === 'health').map((c) => c.code)
    expect(health.slice(0, 2)).toEqual(['medicine_shortage', 'care_refused'])
    expect(health.slice(-2)).toEqual(['corruption', 'life_at_risk'])
    for (const sector of ['health', 'education', 'cash_transfer']) {
      expect(catalog.categories.filter((c) => c.sector === sector && c.code === 'life_at_risk')).toHaveLength(1)
    }
    expect(catalog.categories.some((c) => c.sector === 'any')).toBe(false)
    expect(catalog.categories.find((c) => c.code === 'life_at_risk')?.label).toEqual({ es: 'Riesgo para la vida (urgente)', en: 'Life at risk (urgent)' })
  })

  it('carries every department, municipality and alias', () => {
    expect(catalog.departments).toHaveLength(22)
    expect(catalog.municipalities).toHaveLength(340)
    expect(catalog.municipalities.find((m) => m.code === '1413')).toEqual({ code: '1413', name: 'Nebaj', departmentCode: '14' })
    expect(catalog.municipalityAliases).toContainEqual({ alias: 'xela', code: '0901' })
  })
})
