import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../src/db/reference/csv.js'
import { toCsv } from '../../src/stats/csv.js'

describe('toCsv', () => {
  it('quotes fields with commas, quotes or line breaks and reads back the same', () => {
    const rows = [
      { name: 'Sacatepéquez, "Antigua"', count: 12 },
      { name: 'línea\nnueva', count: '<5' },
    ]
    const text = toCsv(['name', 'count'], rows)
    expect(text.startsWith('name,count\r\n')).toBe(true)
    expect(parseCsv(text)).toEqual([
      { name: 'Sacatepéquez, "Antigua"', count: '12' },
      { name: 'línea\nnueva', count: '<5' },
    ])
  })

  it('leaves a missing value empty', () => {
    expect(toCsv(['a', 'b'], [{ a: 1 }])).toBe('a,b\r\n1,\r\n')
  })
})
