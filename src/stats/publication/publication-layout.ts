import { GroupsBuilder, type LinkedCells } from './protect-linked-cells.js'

/** The four weeks of a month the observatory tables use: they nest in the month (ISO weeks do not). */
export const WEEK_STARTS = ['01', '08', '15', '22'] as const

/** A place of the geography hierarchy: the nation, a department or a municipality. */
export type Place = { level: 'nation' | 'department' | 'municipality'; code: string; department: string }

/** What a publication is drawn from: the reference lists and the counts of the case cube. */
export type PublicationInput = {
  months: readonly string[]
  /** the months of the twelve-month league, the last ones of `months` */
  lastTwelve: readonly string[]
  departments: readonly string[]
  municipalities: readonly { code: string; department: string }[]
  sectors: readonly string[]
  categories: readonly string[]
  /** unit codes with cases ('' for cases without a unit) */
  units: readonly string[]
  /** one row per (month, week, municipality, sector, category, unit) of the cube */
  cube: readonly CubeRow[]
}

export type CubeRow = { month: number; week: number; municipality: number; sector: number; category: number; unit: number; count: number }

type Block = { name: string; audience: 'public' | 'observatory'; periodKind: 'all' | 'last12' | 'month' | 'week'; dimension: 'total' | 'sector' | 'category' | 'unit'; offset: number; size: number }

/**
 * The units and the (municipality, sector) pairs they answer for, in linked groups: a reader who
 * knows the routing rules knows that a health area's count is the sum of its municipalities'
 * health counts. Units joined by a reassigned case fall into one group, whose sums still agree.
 */
function unitAreas(input: PublicationInput): { units: number[]; pairs: [number, number][] }[] {
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
 * The cells of a publication laid out in flat blocks (an index per cell, arithmetic rather than
 * string keys, so a million cases lay out in well under a second), their values, and the
 * equations that link them: within a table (the total and its rows), along the hierarchies
 * (nation > department > municipality; all months > month > week) and across tables (the
 * sector and the category rows of the same total; the league's units and the national total).
 */
export function layOutPublication(input: PublicationInput) {
  const M = input.months.length
  const W = M * WEEK_STARTS.length
  const places: Place[] = [
    { level: 'nation', code: '', department: '' },
    ...input.departments.map((code): Place => ({ level: 'department', code, department: code })),
    ...input.municipalities.map((m): Place => ({ level: 'municipality', code: m.code, department: m.department })),
  ]
  const G = places.length
  const S = input.sectors.length + 1 // 0 = the total
  const C = input.categories.length
  const U = input.units.length
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
  // public: months by sector, all months by sector and by category, the league (all, last twelve)
  const monthSector = block('month-sector', 'public', 'month', 'sector', M * G * S)
  const allSector = block('all-sector', 'public', 'all', 'sector', G * S)
  const allCategory = block('all-category', 'public', 'all', 'category', G * C)
  const unitAll = block('unit-all', 'public', 'all', 'unit', U)
  const unitLast12 = block('unit-last12', 'public', 'last12', 'unit', U + 1) // + its national total
  const publicSize = size
  // observatory: weeks by sector, months by category
  const weekSector = block('week-sector', 'observatory', 'week', 'sector', W * G * S)
  const monthCategory = block('month-category', 'observatory', 'month', 'category', M * G * C)

  const at = {
    monthSector: (m: number, g: number, s: number) => monthSector + (m * G + g) * S + s,
    allSector: (g: number, s: number) => allSector + g * S + s,
    allCategory: (g: number, c: number) => allCategory + g * C + c,
    unitAll: (u: number) => unitAll + u,
    unitLast12: (u: number) => unitLast12 + u,
    last12Total: () => unitLast12 + U,
    weekSector: (w: number, g: number, s: number) => weekSector + (w * G + g) * S + s,
    monthCategory: (m: number, g: number, c: number) => monthCategory + (m * G + g) * C + c,
  }

  const values = new Int32Array(size)
  const firstTwelve = M - input.lastTwelve.length
  for (const row of input.cube) {
    const muni = 1 + input.departments.length + row.municipality
    const dept = departmentIndex.get(input.municipalities[row.municipality]?.department ?? '') ?? 0
    const w = row.month * WEEK_STARTS.length + row.week
    for (const g of [0, dept, muni]) {
      values[at.weekSector(w, g, 0)] = (values[at.weekSector(w, g, 0)] ?? 0) + row.count
      values[at.weekSector(w, g, 1 + row.sector)] = (values[at.weekSector(w, g, 1 + row.sector)] ?? 0) + row.count
      values[at.monthCategory(row.month, g, row.category)] = (values[at.monthCategory(row.month, g, row.category)] ?? 0) + row.count
    }
    values[at.unitAll(row.unit)] = (values[at.unitAll(row.unit)] ?? 0) + row.count
    if (row.month >= firstTwelve) {
      values[at.unitLast12(row.unit)] = (values[at.unitLast12(row.unit)] ?? 0) + row.count
      values[at.last12Total()] = (values[at.last12Total()] ?? 0) + row.count
    }
  }
  const add = (to: number, from: number) => {
    values[to] = (values[to] ?? 0) + (values[from] ?? 0)
  }
  for (let m = 0; m < M; m++)
    for (let g = 0; g < G; g++) {
      for (let s = 0; s < S; s++) {
        for (let q = 0; q < WEEK_STARTS.length; q++) add(at.monthSector(m, g, s), at.weekSector(m * WEEK_STARTS.length + q, g, s))
        add(at.allSector(g, s), at.monthSector(m, g, s))
      }
      for (let c = 0; c < C; c++) add(at.allCategory(g, c), at.monthCategory(m, g, c))
    }

  const publicGroups = new GroupsBuilder()
  const allGroups = new GroupsBuilder()
  const both = (fn: (b: GroupsBuilder) => void) => {
    fn(publicGroups)
    fn(allGroups)
  }
  const range = (n: number) => Array.from({ length: n }, (_, i) => i)
  /** the geography hierarchy of one breakdown: department = Σ its municipalities, nation = Σ departments */
  const geography = (b: GroupsBuilder, cell: (g: number) => number) => {
    municipalitiesOf.forEach((munis, d) => b.sum(cell(1 + d), munis.map(cell)))
    b.sum(cell(0), input.departments.map((_, d) => cell(1 + d)))
  }
  both((b) => {
    for (let m = 0; m < M; m++) {
      for (let g = 0; g < G; g++) b.sum(at.monthSector(m, g, 0), range(S - 1).map((s) => at.monthSector(m, g, 1 + s)))
      for (let s = 0; s < S; s++) geography(b, (g) => at.monthSector(m, g, s))
    }
    for (let g = 0; g < G; g++) {
      b.sum(at.allSector(g, 0), range(S - 1).map((s) => at.allSector(g, 1 + s)))
      b.sum(at.allSector(g, 0), range(C).map((c) => at.allCategory(g, c)))
      for (let s = 0; s < S; s++) b.sum(at.allSector(g, s), range(M).map((m) => at.monthSector(m, g, s)))
    }
    for (let s = 0; s < S; s++) geography(b, (g) => at.allSector(g, s))
    for (let c = 0; c < C; c++) geography(b, (g) => at.allCategory(g, c))
    b.sum(at.allSector(0, 0), range(U).map(at.unitAll))
    b.sum(at.last12Total(), range(U).map(at.unitLast12))
    b.sum(at.last12Total(), range(input.lastTwelve.length).map((i) => at.monthSector(firstTwelve + i, 0, 0)))
    for (const { units, pairs } of unitAreas(input)) {
      const muniCell = (m: number | null, muni: number, s: number) => {
        const g = 1 + input.departments.length + muni
        return m === null ? at.allSector(g, 1 + s) : at.monthSector(m, g, 1 + s)
      }
      b.balance(units.map(at.unitAll), pairs.map(([muni, s]) => muniCell(null, muni, s)))
      b.balance(
        units.map(at.unitLast12),
        range(input.lastTwelve.length).flatMap((i) => pairs.map(([muni, s]) => muniCell(firstTwelve + i, muni, s))),
      )
    }
  })
  for (let m = 0; m < M; m++)
    for (let g = 0; g < G; g++) {
      for (let s = 0; s < S; s++) allGroups.sum(at.monthSector(m, g, s), WEEK_STARTS.map((_, q) => at.weekSector(m * WEEK_STARTS.length + q, g, s)))
      allGroups.sum(at.monthSector(m, g, 0), range(C).map((c) => at.monthCategory(m, g, c)))
    }
  for (let w = 0; w < W; w++) {
    for (let g = 0; g < G; g++) allGroups.sum(at.weekSector(w, g, 0), range(S - 1).map((s) => at.weekSector(w, g, 1 + s)))
    for (let s = 0; s < S; s++) geography(allGroups, (g) => at.weekSector(w, g, s))
  }
  for (let c = 0; c < C; c++) {
    for (let m = 0; m < M; m++) geography(allGroups, (g) => at.monthCategory(m, g, c))
    for (let g = 0; g < G; g++) allGroups.sum(at.allCategory(g, c), range(M).map((m) => at.monthCategory(m, g, c)))
  }

  /** Where a flat index sits: its block and the place, period and code it stands for. */
  function describe(index: number): { block: Block; place: Place; period: string; code: string } {
    const b = blocks.find((x) => index >= x.offset && index < x.offset + x.size)
    if (!b) throw new Error(`cell ${index} is outside the publication`)
    const i = index - b.offset
    const sectorCode = (s: number) => (s === 0 ? '' : (input.sectors[s - 1] ?? ''))
    const nation = places[0] as Place
    const week = (w: number) => `${input.months[Math.floor(w / WEEK_STARTS.length)] ?? ''}-${WEEK_STARTS[w % WEEK_STARTS.length] ?? ''}`
    switch (b.name) {
      case 'month-sector':
        return { block: b, place: places[Math.floor(i / S) % G] ?? nation, period: input.months[Math.floor(i / (S * G))] ?? '', code: sectorCode(i % S) }
      case 'all-sector':
        return { block: b, place: places[Math.floor(i / S)] ?? nation, period: 'all', code: sectorCode(i % S) }
      case 'all-category':
        return { block: b, place: places[Math.floor(i / C)] ?? nation, period: 'all', code: input.categories[i % C] ?? '' }
      case 'unit-all':
        return { block: b, place: nation, period: 'all', code: input.units[i] ?? '' }
      case 'unit-last12':
        return i === U ? { block: { ...b, dimension: 'total' }, place: nation, period: 'last12', code: '' } : { block: b, place: nation, period: 'last12', code: input.units[i] ?? '' }
      case 'week-sector':
        return { block: b, place: places[Math.floor(i / S) % G] ?? nation, period: week(Math.floor(i / (S * G))), code: sectorCode(i % S) }
      default:
        return { block: b, place: places[Math.floor(i / C) % G] ?? nation, period: input.months[Math.floor(i / (C * G))] ?? '', code: input.categories[i % C] ?? '' }
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

export type PublicationLayout = ReturnType<typeof layOutPublication>
