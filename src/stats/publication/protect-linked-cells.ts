/**
 * How a cell is published: its count, "<k" (a count from 1 to k-1), or "x": withheld to protect
 * another (`complementary`, a count of k or more), or a count below k that the "<k" cells it is
 * the sum of already put at 2 or more (`smallSum`: as "<k" it would lose the 1 and say 2..k-1).
 * Both kinds of "x" look the same to a reader, so an "x" says "2 or more".
 */
export const MARK = { shown: 0, small: 1, complementary: 2, smallSum: 3 } as const
export type MarkCode = (typeof MARK)[keyof typeof MARK]

/**
 * The linked tables of a publication as one system of equations over its cells: group g says
 * `Σ signs[j] · value[members[j]] = 0` for j in starts[g]..starts[g+1]. A parent and its children
 * (a department and its municipalities, a month and its weeks, all months and each month, the
 * units and the national total) make one group each, with the parent at sign -1.
 */
export type LinkedCells = {
  values: Int32Array
  starts: Int32Array
  members: Int32Array
  signs: Int8Array
}

/** Builds the flat group arrays from a list of (parent, children) equations and signed ones. */
export class GroupsBuilder {
  private readonly starts: number[] = [0]
  private readonly members: number[] = []
  private readonly signs: number[] = []

  /** parent = Σ children; skipped when there are no children */
  sum(parent: number, children: readonly number[]): void {
    if (children.length === 0) return
    this.signed([parent, ...children], [-1, ...children.map(() => 1)])
  }

  /** Σ plus = Σ minus */
  balance(plus: readonly number[], minus: readonly number[]): void {
    this.signed([...plus, ...minus], [...plus.map(() => 1), ...minus.map(() => -1)])
  }

  private signed(cells: readonly number[], signs: readonly number[]): void {
    this.members.push(...cells)
    this.signs.push(...signs)
    this.starts.push(this.members.length)
  }

  build(values: Int32Array): LinkedCells {
    return { values, starts: Int32Array.from(this.starts), members: Int32Array.from(this.members), signs: Int8Array.from(this.signs) }
  }
}

/** What a mark tells a reader about a withheld count (zeros are published as 0, so "<k" is 1..k-1). */
function bounds(mark: MarkCode, k: number): [number, number] {
  return mark === MARK.small ? [1, k - 1] : mark === MARK.smallSum ? [2, Number.POSITIVE_INFINITY] : [k, Number.POSITIVE_INFINITY]
}

/**
 * The smallest value the withheld parts of group [from, to) alone leave the member at `j`: a "<k"
 * whose parts are two or more "<k" cells (a department of two municipalities with 3 and 1, the
 * others 0) cannot be 1, whatever else is withheld. 0 when a shown count stands among its parts:
 * that is a plain differencing, which a complementary cell fixes.
 */
function lowestFromParts(cells: LinkedCells, marks: Uint8Array, from: number, to: number, j: number, k: number): number {
  const sign = cells.signs[j] ?? 1
  let low = 0
  for (let i = from; i < to; i++) {
    if (i === j) continue
    const cell = cells.members[i] ?? 0
    const mark = (marks[cell] ?? 0) as MarkCode
    const value = cells.values[cell] ?? 0
    const same = (cells.signs[i] ?? 1) === sign
    if (mark === MARK.shown) {
      if (!same && value > 0) return 0
      low -= same ? value : 0
      continue
    }
    // sign·x = -Σ sign_i·x_i: the other side's parts push x up by their least, this side's pull it down by their most
    const [lo, hi] = bounds(mark, k)
    low += same ? -hi : lo
  }
  return low
}

/**
 * Whether one equation leaves every withheld member of it room enough: all of 1..k-1 for a "<k"
 * cell, and 2k values for an "x". The audit (an LP over every equation at once) needs only k-1
 * for an "x", but an LP combines equations and narrows what each one alone leaves; asking each
 * equation for twice the room is what makes the combination hold on the audit's data
 * (test/privacy/attacks/publication-audit.test.ts), at the price of a few more "x" cells.
 */
function groupProtected(cells: LinkedCells, marks: Uint8Array, from: number, to: number, k: number, strict = true): boolean {
  // Σ over withheld members of sign·x lies in [minSum, maxSum]; an "x" has no upper bound, so the
  // infinite ends are counted apart (∞ - ∞ would poison the arithmetic)
  let known = 0
  let minSum = 0
  let maxSum = 0
  let minInfinite = 0
  let maxInfinite = 0
  for (let j = from; j < to; j++) {
    const cell = cells.members[j] ?? 0
    const sign = cells.signs[j] ?? 1
    const mark = (marks[cell] ?? 0) as MarkCode
    if (mark === MARK.shown) {
      known -= sign * (cells.values[cell] ?? 0)
      continue
    }
    const [lo, hi] = bounds(mark, k)
    if (sign > 0) {
      minSum += lo
      if (hi === Number.POSITIVE_INFINITY) maxInfinite++
      else maxSum += hi
    } else {
      maxSum -= lo
      if (hi === Number.POSITIVE_INFINITY) minInfinite++
      else minSum -= hi
    }
  }
  for (let j = from; j < to; j++) {
    const cell = cells.members[j] ?? 0
    const mark = (marks[cell] ?? 0) as MarkCode
    if (mark === MARK.shown) continue
    const sign = cells.signs[j] ?? 1
    const [lo, hi] = bounds(mark, k)
    const open = hi === Number.POSITIVE_INFINITY
    // the others' range: the whole range less this cell's own contribution
    const othersMin = sign > 0 ? (minInfinite > 0 ? -Infinity : minSum - lo) : minInfinite - (open ? 1 : 0) > 0 ? -Infinity : minSum + (open ? 0 : hi)
    const othersMax = sign > 0 ? (maxInfinite - (open ? 1 : 0) > 0 ? Infinity : maxSum - (open ? 0 : hi)) : maxInfinite > 0 ? Infinity : maxSum + lo
    // sign·x = known - others
    const a = known - othersMax
    const b = known - othersMin
    const low = Math.max(lo, sign > 0 ? a : -b)
    const high = Math.min(hi, sign > 0 ? b : -a)
    // a small sum ("x", 2 or more) needs what a "<k" needs: k-1 possible values
    const room = mark === MARK.smallSum || !strict ? k - 2 : open ? 2 * k : k - 2
    if (!(high - low >= room)) return false
  }
  return true
}

/**
 * The cheapest shown member that can be withheld to protect the group: a count of at least k
 * (an "x" says "k or more", so a smaller count cannot stand behind one), preferring the smallest
 * one that leaves k-1 values of room (2k-1 or more), children before the parent, and never a cell
 * locked by an earlier stage.
 */
function complementFor(cells: LinkedCells, marks: Uint8Array, locked: Uint8Array | undefined, from: number, to: number, k: number): number {
  let best = -1
  let bestScore = Number.POSITIVE_INFINITY
  for (let j = from; j < to; j++) {
    const cell = cells.members[j] ?? 0
    if (marks[cell] !== MARK.shown || locked?.[cell]) continue
    const value = cells.values[cell] ?? 0
    if (value < k) continue
    // roomy cells by size, then the others largest first; a parent costs more than a child
    const roomy = value >= 2 * k - 1
    const score = (roomy ? value : 1e12 - value) + ((cells.signs[j] ?? 1) < 0 ? 1e13 : 0)
    if (score < bestScore) {
      bestScore = score
      best = cell
    }
  }
  return best
}

/**
 * Marks every count from 1 to k-1 "<k" and then, until none changes, turns into "x" (2 or more)
 * each "<k" that is the sum of two or more "<k" cells: a "<k" says 1..k-1, and would be narrowed
 * by its own parts. Run over the finest tables first (suppressMonth), so that a public "<k" whose
 * weeks or categories only the observatory sees is not narrowed by them either. Cells already
 * marked, and locked ones, keep their marks.
 */
export function markSmallSums(cells: LinkedCells, marks: Uint8Array, k: number, locked?: Uint8Array): void {
  for (let i = 0; i < cells.values.length; i++) {
    const value = cells.values[i] ?? 0
    if (!locked?.[i] && marks[i] === MARK.shown && value > 0 && value < k) marks[i] = MARK.small
  }
  const groupCount = cells.starts.length - 1
  for (let changed = true; changed; ) {
    changed = false
    for (let g = 0; g < groupCount; g++) {
      const from = cells.starts[g] ?? 0
      const to = cells.starts[g + 1] ?? 0
      for (let j = from; j < to; j++) {
        const cell = cells.members[j] ?? 0
        if (marks[cell] !== MARK.small || locked?.[cell]) continue
        if (lowestFromParts(cells, marks, from, to, j, k) < 2) continue
        marks[cell] = MARK.smallSum
        changed = true
      }
    }
  }
}

/** Outcome of a suppression: the marks, and how many equations could not be protected from within. */
/**
 * `unprotected`: equations that leave some withheld member fewer than k-1 possible values (0
 * expected); `lockedWanted`: locked cells that would have protected some of them.
 */
export type Protection = { marks: Uint8Array; unprotected: number; lockedWanted: number[] }

/**
 * Linked-table secondary suppression (in the manner of τ-ARGUS and sdcTable, with a greedy
 * choice instead of their optimisation): every count from 1 to k-1 is primary ("<k"); then each
 * equation of the linked tables whose withheld members could be narrowed below k-1 values gets
 * its cheapest shown member withheld too, and the equations that cell belongs to are checked
 * again, until none changes. `initial` and `locked` carry an earlier stage's marks (the public
 * tables, when the observatory's finer tables are added): locked cells are never changed. Pure.
 */
export function protectLinkedCells(cells: LinkedCells, k: number, initial?: Uint8Array, locked?: Uint8Array): Protection {
  const n = cells.values.length
  const marks = initial ? Uint8Array.from(initial) : new Uint8Array(n)
  const groupCount = cells.starts.length - 1
  markSmallSums(cells, marks, k, locked)
  // each cell's groups (CSR), to re-check the equations a newly withheld cell sits in
  const degree = new Int32Array(n + 1)
  for (const cell of cells.members) degree[cell + 1] = (degree[cell + 1] ?? 0) + 1
  for (let i = 0; i < n; i++) degree[i + 1] = (degree[i + 1] ?? 0) + (degree[i] ?? 0)
  const cursor = degree.slice(0, n)
  const groupsOf = new Int32Array(cells.members.length)
  for (let g = 0; g < groupCount; g++) {
    for (let j = cells.starts[g] ?? 0; j < (cells.starts[g + 1] ?? 0); j++) {
      const cell = cells.members[j] ?? 0
      groupsOf[cursor[cell] ?? 0] = g
      cursor[cell] = (cursor[cell] ?? 0) + 1
    }
  }
  const queued = new Uint8Array(groupCount).fill(1)
  const queue: number[] = Array.from({ length: groupCount }, (_, g) => g)
  let unprotected = 0
  const lockedWanted: number[] = []
  while (queue.length > 0) {
    const g = queue.pop() ?? 0
    queued[g] = 0
    const from = cells.starts[g] ?? 0
    const to = cells.starts[g + 1] ?? 0
    let withheld = false
    for (let j = from; j < to && !withheld; j++) withheld = marks[cells.members[j] ?? 0] !== MARK.shown
    if (!withheld || groupProtected(cells, marks, from, to, k)) continue
    const extra = complementFor(cells, marks, locked, from, to, k)
    if (extra < 0) {
      // no cell left to withhold: only a failure if the equation alone leaves a cell fewer than
      // k-1 values (the audit's test), not merely short of the extra room asked of an "x"
      if (!groupProtected(cells, marks, from, to, k, false)) {
        unprotected++
        // a locked cell that would have done: the earlier stage may withhold it and run again
        const wanted = locked ? complementFor(cells, marks, undefined, from, to, k) : -1
        if (wanted >= 0) lockedWanted.push(wanted)
      }
      continue
    }
    marks[extra] = MARK.complementary
    for (const group of [g, ...groupsOf.subarray(degree[extra] ?? 0, degree[extra + 1] ?? 0)]) {
      if (queued[group]) continue
      queued[group] = 1
      queue.push(group)
    }
  }
  return { marks, unprotected, lockedWanted }
}
