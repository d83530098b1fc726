import { createRequire } from 'node:module'
import type { Highs } from 'highs'

// highs is a CommonJS module whose types say ESM: load it as CommonJS, typed by hand
const highsLoader = createRequire(import.meta.url)('highs') as () => Promise<Highs>

/** What one published number says about a set of cube cells: their sum lies in [min, max]. */
export type Constraint = { cells: readonly number[]; min: number; max: number }

/**
 * The attacker's linear program over the cube's cells (non-negative; the LP relaxation of the
 * integer problem): everything published as constraints, and for one target set of cells the
 * smallest and largest sum consistent with them all. Cells pinned to 0 by a published zero are
 * taken out first, which keeps each solve to the cells something non-zero was published about.
 */
export async function attackerRanges(constraints: readonly Constraint[], targets: readonly (readonly number[])[]): Promise<[number, number][]> {
  const highs = await highsLoader()
  const zero = new Set<number>()
  for (const c of constraints) if (c.max === 0) for (const cell of c.cells) zero.add(cell)
  const live = constraints
    .map((c) => ({ ...c, cells: c.cells.filter((cell) => !zero.has(cell)) }))
    .filter((c) => c.cells.length > 0)
  const used = [...new Set(live.flatMap((c) => c.cells))]
  const rows = live.map((c, i) => {
    const sum = c.cells.map((cell) => `x${cell}`).join(' + ')
    if (c.min === c.max) return ` c${i}: ${sum} = ${c.min}`
    if (c.max === Number.POSITIVE_INFINITY) return ` c${i}: ${sum} >= ${c.min}`
    return ` c${i}a: ${sum} >= ${c.min}\n c${i}b: ${sum} <= ${c.max}`
  })
  const body = `Subject To\n${rows.join('\n')}\nBounds\n${used.map((cell) => ` x${cell} >= 0`).join('\n')}\nEnd`
  return targets.map((target) => {
    const cells = target.filter((cell) => !zero.has(cell) && used.includes(cell))
    if (cells.length === 0) return [0, 0]
    const objective = cells.map((cell) => `x${cell}`).join(' + ')
    const solve = (sense: 'Minimize' | 'Maximize') => {
      const solution = highs.solve(`${sense}\n obj: ${objective}\n${body}`)
      if (solution.Status === 'Unbounded') return Number.POSITIVE_INFINITY
      if (solution.Status !== 'Optimal') throw new Error(`the attacker's LP is ${solution.Status}: the published figures contradict each other`)
      return solution.ObjectiveValue
    }
    return [solve('Minimize'), solve('Maximize')]
  })
}
