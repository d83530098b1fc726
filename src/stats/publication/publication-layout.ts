import { GroupsBuilder, type LinkedCells } from './protect-linked-cells.js'

/** The four weeks of a month the observatory tables use: they nest in the month (ISO weeks do not). */
export const WEEK_STARTS = ['01', '08', '15', '22'] as const

/** A place of the geography hierarchy: the nation, a department or a municipality. */
export type Place = { level: 'nation' | 'department' | 'municipality'; code: string; department: string }

/** The reference lists every month's tables are laid out over (so that tables list zeros too). */
export type Reference = {
  departments: readonly string[]
  municipalities: readonly { code: string; department: string }[]
  sectors: readonly string[]
  categories: readonly string[]
}

/** What the months to issue are drawn from: the reference lists, and the case cube of each month. */
export type PublicationInput = Reference & {
  /** the months to issue now (`YYYY-MM`), each laid out and suppressed on its own */
  months: readonly string[]
  /** unit codes with cases in those months ('' for cases without a unit) */
  units: readonly string[]
  /** one row per (month, week, municipality, sector, category, unit) of the cube; indexes into the lists above */
  cube: readonly CubeRow[]
}

export type CubeRow = { month: number; week: number; municipality: number; sector: number; category: number; unit: number; count: number }

/** One month of the cube: its rows, with `units` the unit codes its rows index. */
export type MonthInput = Reference & { month: string; units: readonly string[]; cube: readonly Omit<CubeRow, 'month'>[] }

type Block = { name: string; audience: 'public' | 'observatory'; periodKind: 'month' | 'week'; dimension: 'total' | 'sector' | 'category' | 'unit'; offset: number; size: number }

/**
 * The units and the (municipality, sector) pairs they answer for, in linked groups: a reader who
 * knows the routing rules knows that a health area's count is the sum of its municipalities'
 * health counts. Units joined by a reassigned case fall into one group, whose sums still agree.
 */
function unitAreas(input: MonthInput): { units: number[]; pairs: [number, number][] }[] {
  const S = input.sectors.length
  const U = input.units.length
  const parent = new Map<number, number>()
  const find = (x: number): number => {
    let root = x
    while ((parent.get(root) ?? root) !== root) root = parent.get(root) ?? root
    parent.set(x, root)
    return root
  }
  // nodes: units 0..U-1, then pairs U + muni * S + sector
  for (const row of input.cube) {
    const a = find(row.unit)
    const b = find(U + row.municipality * S + row.sector)
    if (a !== b) parent.set(a, b)
  }
  const areas = new Map<number, { units: number[]; pairs: [number, number][] }>()
  for (const node of parent.keys()) {
    const root = find(node)
    const area = areas.get(root) ?? { units: [], pairs: [] }
    areas.set(root, area)
    if (node < U) area.units.push(node)
    else area.pairs.push([Math.floor((node - U) / S), (node - U) % S])
  }
  return [...areas.values()]
}

/**
 * The tables of ONE month laid out in flat blocks (an index per cell, arithmetic rather than
 * string keys), their values, and the equations that link them: within a table (the total and
 * its rows), along the geography (nation > department > municipality), the weeks inside the
 * month, the categories and the sectors of the same total, and the units against the places they
 * answer for and the national total.
 *
 * There is no table over several months here on purpose: a month is issued once, when it has
 * closed, and never recomputed, and every figure over several months (all months, the league's
 * twelve) is a sum of issued months (derive-windows.ts). So no two releases, nor a release and
 * its predecessor, can be subtracted into anything a month's own protection did not already
 * allow. A cumulative table suppressed afresh each month could: its difference across two
 * releases is the new month, cell for cell, whatever the new month's table withholds.
 */
export function layOutMonth(input: MonthInput) {
  const places: Place[] = [
    { level: 'nation', code: '', department: '' },
    ...input.departments.map((code): Place => ({ level: 'department', code, department: code })),
    ...input.municipalities.map((m): Place => ({ level: 'municipality', code: m.code, department: m.department })),
  ]
  const G = places.length
  const S = input.sectors.length + 1 // 0 = the total
  const C = input.categories.length
  const U = input.units.length
  const Q = WEEK_STARTS.length
  const departmentIndex = new Map(input.departments.map((code, i) => [code, 1 + i]))
  const municipalitiesOf = input.departments.map((code) =>
    input.municipalities.flatMap((m, i) => (m.department === code ? [1 + input.departments.length + i] : [])),
  )

  const blocks: Block[] = []
  let size = 0
  const block = (name: string, audience: Block['audience'], periodKind: Block['periodKind'], dimension: Block['dimension'], cells: number) => {
    const b: Block = { name, audience, periodKind, dimension, offset: size, size: cells }
    blocks.push(b)
    size += cells
    return b.offset
  }
  // public: the month by sector at every place, and by unit (what the league's windows sum)
  const monthSector = block('month-sector', 'public', 'month', 'sector', G * S)
  const monthUnit = block('month-unit', 'public', 'month', 'unit', U)
  const publicSize = size
  // observatory: weeks by sector, the month by category
  const weekSector = block('week-sector', 'observatory', 'week', 'sector', Q * G * S)
  const monthCategory = block('month-category', 'observatory', 'month', 'category', G * C)

  const at = {
    monthSector: (g: number, s: number) => monthSector + g * S + s,
    monthUnit: (u: number) => monthUnit + u,
    weekSector: (q: number, g: number, s: number) => weekSector + (q * G + g) * S + s,
    monthCategory: (g: number, c: number) => monthCategory + g * C + c,
  }

  const values = new Int32Array(size)
  const bump = (cell: number, count: number) => {
    values[cell] = (values[cell] ?? 0) + count
  }
  for (const row of input.cube) {
    const muni = 1 + input.departments.length + row.municipality
    const dept = departmentIndex.get(input.municipalities[row.municipality]?.department ?? '') ?? 0
    for (const g of [0, dept, muni]) {
      bump(at.weekSector(row.week, g, 0), row.count)
      bump(at.weekSector(row.week, g, 1 + row.sector), row.count)
      bump(at.monthCategory(g, row.category), row.count)
    }
    bump(at.monthUnit(row.unit), row.count)
  }
  for (let g = 0; g < G; g++) for (let s = 0; s < S; s++) for (let q = 0; q < Q; q++) bump(at.monthSector(g, s), values[at.weekSector(q, g, s)] ?? 0)

  const publicGroups = new GroupsBuilder()
  const allGroups = new GroupsBuilder()
  const range = (n: number) => Array.from({ length: n }, (_, i) => i)
  /** the geography hierarchy of one breakdown: department = Σ its municipalities, nation = Σ departments */
  const geography = (b: GroupsBuilder, cell: (g: number) => number) => {
    municipalitiesOf.forEach((munis, d) => b.sum(cell(1 + d), munis.map(cell)))
    b.sum(cell(0), input.departments.map((_, d) => cell(1 + d)))
  }
  const areas = unitAreas(input)
  for (const b of [publicGroups, allGroups]) {
    for (let g = 0; g < G; g++) b.sum(at.monthSector(g, 0), range(S - 1).map((s) => at.monthSector(g, 1 + s)))
    for (let s = 0; s < S; s++) geography(b, (g) => at.monthSector(g, s))
    b.sum(at.monthSector(0, 0), range(U).map(at.monthUnit))
    for (const { units, pairs } of areas)
      b.balance(units.map(at.monthUnit), pairs.map(([muni, s]) => at.monthSector(1 + input.departments.length + muni, 1 + s)))
  }
  for (let g = 0; g < G; g++) {
    for (let s = 0; s < S; s++) allGroups.sum(at.monthSector(g, s), range(Q).map((q) => at.weekSector(q, g, s)))
    allGroups.sum(at.monthSector(g, 0), range(C).map((c) => at.monthCategory(g, c)))
  }
  for (let q = 0; q < Q; q++) {
    for (let g = 0; g < G; g++) allGroups.sum(at.weekSector(q, g, 0), range(S - 1).map((s) => at.weekSector(q, g, 1 + s)))
    for (let s = 0; s < S; s++) geography(allGroups, (g) => at.weekSector(q, g, s))
  }
  for (let c = 0; c < C; c++) geography(allGroups, (g) => at.monthCategory(g, c))

  /** Where a flat index sits: its block and the place, period and code it stands for. */
  function describe(index: number): { block: Block; place: Place; period: string; code: string } {
    const b = blocks.find((x) => index >= x.offset && index < x.offset + x.size)
    if (!b) throw new Error(`cell ${index} is outside the month's tables`)
    const i = index - b.offset
    const sectorCode = (s: number) => (s === 0 ? '' : (input.sectors[s - 1] ?? ''))
    const nation = places[0] as Place
    switch (b.name) {
      case 'month-sector':
        return { block: b, place: places[Math.floor(i / S)] ?? nation, period: input.month, code: sectorCode(i % S) }
      case 'month-unit':
        return { block: b, place: nation, period: input.month, code: input.units[i] ?? '' }
      case 'week-sector':
        return { block: b, place: places[Math.floor(i / S) % G] ?? nation, period: `${input.month}-${WEEK_STARTS[Math.floor(i / (S * G))] ?? ''}`, code: sectorCode(i % S) }
      default:
        return { block: b, place: places[Math.floor(i / C)] ?? nation, period: input.month, code: input.categories[i % C] ?? '' }
    }
  }

  return {
    size,
    publicSize,
    blocks,
    at,
    values,
    publicCells: (): LinkedCells => publicGroups.build(values.subarray(0, publicSize)),
    allCells: (): LinkedCells => allGroups.build(values),
    describe,
  }
}

export type MonthLayout = ReturnType<typeof layOutMonth>
