import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { locateMunicipality } from '../../src/geo/locate-municipality.js'

// The reference file gives a point inside each municipality: every one must land in its own.
const rows = readFileSync(new URL('../../src/db/reference/gt-municipalities.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .map((cells) => ({ code: cells[0] ?? '', lat: Number(cells[4]), lon: Number(cells[5]) }))

describe('locateMunicipality', () => {
  it('places the inner point of each of the 340 municipalities in that municipality', () => {
    expect(rows).toHaveLength(340)
    const misplaced = rows.filter((row) => locateMunicipality(row.lat, row.lon) !== row.code).map((row) => row.code)
    expect(misplaced).toEqual([])
  })

  it('places the central park of Quetzaltenango in Quetzaltenango (0901)', () => {
    expect(locateMunicipality(14.8347, -91.5181)).toBe('0901')
  })

  it('finds nothing in the Pacific Ocean or on Lake Atitlán', () => {
    expect(locateMunicipality(13.5, -91.5)).toBeNull()
    expect(locateMunicipality(14.69, -91.21)).toBeNull()
  })
})
