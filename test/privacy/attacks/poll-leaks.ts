/**
 * The attacker's arithmetic on published poll results: everything one can work out from one answer
 * with nothing but subtraction. A leak is a count from 1 to k-1 shown or worked out, a withheld count
 * that can be solved for exactly, or a mean published over withheld counts (mean and the shown
 * counts solve for two withheld ones). Written against the answer's JSON, so it reads today's shape too.
 */
type Count = number | string
type Option = { id: string; count: Count; firstPlaces?: Count }
type Question = { id: string; kind: string; responses: Count; options?: Option[]; scale?: { mean: number | null; distribution: { value: number; count: Count }[] } }
type Slice = { respondents: Count; questions: Question[]; municipalityCode?: string | null }
export type ResultsJson = Slice & { byMunicipality?: Slice[] }

export function pollLeaks(results: ResultsJson, k: number): string[] {
  const leaks: string[] = []
  const small = (n: number) => n > 0 && n < k
  const slices = results.byMunicipality ?? []
  const all = [{ ...results, municipalityCode: 'all' }, ...slices]
  for (const slice of all) {
    const where = String(slice.municipalityCode)
    if (typeof slice.respondents === 'number' && small(slice.respondents) && slice.questions.length > 0) leaks.push(`${where}: ${slice.respondents} respondents, and their answers`)
    for (const q of slice.questions) {
      if (typeof q.responses === 'number' && small(q.responses) && (q.options !== undefined || q.scale !== undefined)) leaks.push(`${where} ${q.id}: ${q.responses} responses shown`)
      for (const o of q.options ?? []) {
        if (typeof o.count === 'number' && small(o.count)) leaks.push(`${where} ${q.id}.${o.id}: count ${o.count}`)
        if (typeof o.count === 'number' && typeof q.responses === 'number' && q.kind !== 'single' && small(q.responses - o.count)) leaks.push(`${where} ${q.id}.${o.id}: ${q.responses - o.count} did not pick it`)
        if (typeof o.firstPlaces === 'number' && small(o.firstPlaces)) leaks.push(`${where} ${q.id}.${o.id}: ${o.firstPlaces} first places`)
      }
      const parts = q.kind === 'single' ? (q.options ?? []).map((o) => o.count) : (q.scale?.distribution.map((d) => d.count) ?? [])
      if (parts.length > 0 && typeof q.responses === 'number') leaks.push(...withheldLeaks(`${where} ${q.id}`, q.responses, parts, k))
      const distribution = q.scale?.distribution ?? []
      for (const d of distribution) if (typeof d.count === 'number' && small(d.count)) leaks.push(`${where} ${q.id}=${d.value}: count ${d.count}`)
      if (q.scale && q.scale.mean !== null && distribution.some((d) => typeof d.count !== 'number')) leaks.push(`${where} ${q.id}: mean over withheld counts`)
    }
  }
  // the total minus the shown slices is what the omitted ones hold
  if (slices.length > 0 && typeof results.respondents === 'number') {
    const shown = slices.filter((s) => typeof s.respondents === 'number' && s.questions.length > 0)
    const rest = results.respondents - shown.reduce((sum, s) => sum + Number(s.respondents), 0)
    if (small(rest)) leaks.push(`total minus shown slices: ${rest} respondents`)
    for (const q of results.questions) {
      for (const o of q.options ?? []) {
        if (typeof o.count !== 'number') continue
        const cells = shown.map((s) => s.questions.find((p) => p.id === q.id)?.options?.find((p) => p.id === o.id)?.count)
        const known = cells.reduce<number>((sum, c) => sum + (typeof c === 'number' ? c : 0), 0)
        const unknown = cells.filter((c) => typeof c !== 'number').length + (shown.length < slices.length ? 1 : 0)
        if (unknown > 0 && small(o.count - known)) leaks.push(`total minus slices, ${q.id}.${o.id}: ${o.count - known}`)
      }
    }
  }
  return leaks
}

/** Parts that add up to a published whole: one withheld is solved; several holding fewer than k are pinned. */
function withheldLeaks(where: string, whole: number, parts: readonly Count[], k: number): string[] {
  const withheld = parts.filter((p) => typeof p !== 'number').length
  const rest = whole - parts.reduce<number>((sum, p) => sum + (typeof p === 'number' ? p : 0), 0)
  if (withheld === 1) return [`${where}: the one withheld count is ${rest}`]
  if (withheld > 1 && rest > 0 && rest < k) return [`${where}: ${withheld} withheld counts hold only ${rest}`]
  return []
}
