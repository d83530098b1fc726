import { describe, expect, it } from 'vitest'
import { type Cell, publishCount, suppressCells } from '../../src/stats/suppress.js'

const oneDim = (...counts: number[]): Cell[] => counts.map((count, i) => ({ dims: [`c${i}`], count }))

/** A crafted two-way table: rows × columns of counts (0 = no cell, as the API leaves it out). */
function table(rows: number[][]): Cell[] {
  return rows.flatMap((row, r) => row.flatMap((count, c) => (count === 0 ? [] : [{ dims: [`r${r}`, `c${c}`], count }])))
}

function marksOf(cells: Cell[], k = 5) {
  const { marks } = suppressCells(cells, k)
  return Object.fromEntries(cells.map((cell, i) => [cell.dims.join('/'), marks[i]]))
}

describe('suppressCells', () => {
  it('shows every count when none is below k', () => {
    expect(suppressCells(oneDim(5, 12, 40), 5)).toEqual({ marks: ['shown', 'shown', 'shown'], totalMark: 'shown' })
  })

  it('marks counts from 1 to k-1 as small', () => {
    expect(suppressCells(oneDim(4, 1, 9, 7), 5).marks).toEqual(['small', 'small', 'shown', 'shown'])
  })

  it('withholds the next-smallest cell when a single small one could be recovered from the total', () => {
    // total 3 + 9 + 20 = 32 is published: alone, "<5" would be 32 - 9 - 20 = 3
    expect(suppressCells(oneDim(3, 20, 9), 5).marks).toEqual(['small', 'shown', 'complementary'])
  })

  it('protects a small cell in a row and in its column of a two-way table', () => {
    const cells = table([
      [2, 10, 30],
      [8, 12, 40],
      [9, 15, 50],
    ])
    const marks = marksOf(cells)
    expect(marks['r0/c0']).toBe('small')
    // row r0: the smallest other cell is 10; column c0: the smallest other cell is 8
    expect(marks['r0/c1']).toBe('complementary')
    expect(marks['r1/c0']).toBe('complementary')
    // each of those now shares its other line with one withheld cell: r1 gives up 12, c1 keeps two withheld
    expect(marks['r1/c1']).toBe('complementary')
    expect(Object.values(marks).filter((m) => m === 'shown')).toHaveLength(5)
  })

  it('leaves no line of a table with exactly one withheld cell', () => {
    const cells = table([
      [3, 7, 6, 11],
      [14, 1, 25, 9],
      [30, 22, 4, 18],
    ])
    const { marks } = suppressCells(cells, 5)
    const lines = new Map<string, number>()
    cells.forEach((cell, i) => {
      const [r, c] = cell.dims
      const withheld = marks[i] === 'shown' ? 0 : 1
      for (const key of [`row ${r}`, `col ${c}`]) lines.set(key, (lines.get(key) ?? 0) + withheld)
    })
    lines.set('total', marks.filter((m) => m !== 'shown').length)
    expect([...lines.entries()].filter(([, n]) => n === 1)).toEqual([])
  })

  it('lets a lone small cell stand when its line has no other cell', () => {
    // one municipality in a department: its line total is itself, and is suppressed there too
    const cells: Cell[] = [
      { dims: ['01', '0101'], count: 3 },
      { dims: ['02', '0201'], count: 3 },
      { dims: ['03', '0301'], count: 50 },
    ]
    expect(suppressCells(cells, 5).marks).toEqual(['small', 'small', 'shown'])
  })

  it('marks the total small when the whole answer is below k', () => {
    expect(suppressCells(oneDim(2, 1), 5)).toEqual({ marks: ['small', 'small'], totalMark: 'small' })
  })

  it('follows a configured k', () => {
    expect(suppressCells(oneDim(9, 10, 11, 12), 10).marks).toEqual(['small', 'complementary', 'shown', 'shown'])
  })
})

describe('publishCount', () => {
  it('writes a small count as "<k", a protecting one as "x" and others as numbers', () => {
    expect(publishCount(3, 'small', 5)).toBe('<5')
    expect(publishCount(8, 'complementary', 5)).toBe('x')
    expect(publishCount(8, 'shown', 5)).toBe(8)
  })
})
