import { describe, expect, it } from 'vitest'
import { departments } from '../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from './support/database.js'

describe.each(databaseKinds)('openDatabase on %s', (kind) => {
  it('applies the migrations so that every table can be written and read', async () => {
    const database = await freshDatabase(kind)
    try {
      await database.db.insert(departments).values({ code: '09', name: 'Quetzaltenango' })
      const rows = await database.db.select().from(departments)
      expect(rows).toEqual([{ code: '09', name: 'Quetzaltenango' }])
    } finally {
      await database.close()
    }
  })
})
