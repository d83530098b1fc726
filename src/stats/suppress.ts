/** How a published count is shown: as is, as "<k" (too small), or withheld to protect a small one. */
export type CellMark = 'shown' | 'small' | 'complementary'

/** One cell of an answer: its value on each grouping dimension (period included) and its count. */
export type Cell = { dims: readonly string[]; count: number }

/** The marks of the cells, in their order, and how the grand total is shown. */
export type Suppression = { marks: CellMark[]; totalMark: 'shown' | 'small' }

/**
 * The groups of cells whose sums are published or can be: the grand total, and for each dimension
 * the lines of cells that agree on every other dimension (their sum is a cell of a coarser answer).
 */
function groupsOf(cells: readonly Cell[]): number[][] {
  const groups: number[][] = [cells.map((_, i) => i)]
  const width = cells[0]?.dims.length ?? 0
  if (width < 2) return groups
  for (let d = 0; d < width; d++) {
    const lines = new Map<string, number[]>()
    cells.forEach((cell, i) => {
      const key = JSON.stringify(cell.dims.filter((_, j) => j !== d))
      lines.set(key, [...(lines.get(key) ?? []), i])
    })
    groups.push(...lines.values())
  }
  return groups
}

/**
 * Small-cell suppression: every count from 1 to k-1 is marked small; then, wherever a group (the
 * total, a row, a column) has exactly one withheld cell, its smallest shown cell is withheld too, so
 * the small one cannot be worked out by subtraction. Repeats until no group changes. Pure.
 */
export function suppressCells(cells: readonly Cell[], k: number): Suppression {
  const marks: CellMark[] = cells.map((cell) => (cell.count > 0 && cell.count < k ? 'small' : 'shown'))
  const groups = groupsOf(cells)
  let changed = true
  while (changed) {
    changed = false
    for (const group of groups) {
      const withheld = group.filter((i) => marks[i] !== 'shown')
      if (withheld.length !== 1 || group.length < 2) continue
      let smallest: number | undefined
      for (const i of group) {
        const cell = cells[i]
        if (marks[i] !== 'shown' || !cell) continue
        if (smallest === undefined || cell.count < (cells[smallest]?.count ?? Infinity)) smallest = i
      }
      if (smallest !== undefined) {
        marks[smallest] = 'complementary'
        changed = true
      }
    }
  }
  const total = cells.reduce((sum, cell) => sum + cell.count, 0)
  return { marks, totalMark: total > 0 && total < k ? 'small' : 'shown' }
}

/** What a published count looks like: the number, "<k", or "x" for a cell withheld to protect another. */
export type PublishedCount = number | string

/** The published form of a count under its mark. */
export function publishCount(count: number, mark: CellMark | 'shown' | 'small', k: number): PublishedCount {
  if (mark === 'small') return `<${k}`
  if (mark === 'complementary') return 'x'
  return count
}
