import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../src/db/reference/csv.js'

describe('parseCsv', () => {
  it('keys each row by the header', () => {
    expect(parseCsv('code,name\n01,Guatemala\n02,El Progreso\n')).toEqual([
      { code: '01', name: 'Guatemala' },
      { code: '02', name: 'El Progreso' },
    ])
  })

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('a,b\n"agua, camas","dijo ""no""\ny se fue"\n')).toEqual([{ a: 'agua, camas', b: 'dijo "no"\ny se fue' }])
  })

  it('reads CRLF files saved by a spreadsheet, with a byte-order mark and no final newline', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n3,4')).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ])
  })

  it('rejects a row whose field count differs from the header, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n1,2,3\n')).toThrow(/row 3 has 3 fields/)
  })
})
