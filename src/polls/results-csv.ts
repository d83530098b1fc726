import type { PublishedCount } from './publish-results.js'

/** What a CSV needs of results: exact ones (admins) and published ones (everyone else) both fit. */
type CsvQuestion = {
  id: string
  kind: string
  text: string
  responses: PublishedCount
  options?: { id: string; label: string; count: PublishedCount; share?: number; borda?: number; firstPlaces?: PublishedCount }[]
  scale?: { mean: number | null; distribution: { value: number; count: PublishedCount }[] }
}
type CsvSlice = { invited: number; respondents: PublishedCount; responseRate?: number; questions: CsvQuestion[] }
export type CsvResults = CsvSlice & { byMunicipality?: (CsvSlice & { municipalityCode: string | null })[] }

const HEADER = ['municipality', 'question_id', 'question', 'kind', 'measure', 'option_id', 'option', 'value']

/**
 * Results as CSV in long form, one figure per line (measure: invited, respondents, response_rate,
 * responses, count, share, borda, first_places, mean), so a spreadsheet can pivot it. A withheld
 * figure reads "<5" or "x", as in the JSON; a figure left out of the publication has no line. Free
 * texts stay out: a CSV travels further than the API answer.
 */
export function resultsCsv(results: CsvResults): string {
  const lines: (string | number)[][] = [HEADER]
  const slices = [{ municipalityCode: 'all', ...results }, ...(results.byMunicipality ?? [])]
  for (const slice of slices) {
    const m = slice.municipalityCode ?? 'unknown'
    lines.push([m, '', '', '', 'invited', '', '', slice.invited])
    lines.push([m, '', '', '', 'respondents', '', '', slice.respondents])
    if (slice.responseRate !== undefined) lines.push([m, '', '', '', 'response_rate', '', '', slice.responseRate])
    for (const question of slice.questions) lines.push(...questionLines(m, question))
  }
  return lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n'
}

function questionLines(municipality: string, q: CsvQuestion): (string | number)[][] {
  const row = (measure: string, optionId: string, option: string, value: PublishedCount) => [municipality, q.id, q.text, q.kind, measure, optionId, option, value]
  const lines = [row('responses', '', '', q.responses)]
  for (const o of q.options ?? []) {
    lines.push(row('count', o.id, o.label, o.count))
    if (o.share !== undefined) lines.push(row('share', o.id, o.label, o.share))
    if (o.borda !== undefined) lines.push(row('borda', o.id, o.label, o.borda))
    if (o.firstPlaces !== undefined) lines.push(row('first_places', o.id, o.label, o.firstPlaces))
  }
  if (q.scale) {
    if (q.scale.mean !== null) lines.push(row('mean', '', '', Math.round(q.scale.mean * 100) / 100))
    for (const step of q.scale.distribution) lines.push(row('count', String(step.value), String(step.value), step.count))
  }
  return lines
}

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet does not run it as a formula. */
function cell(value: string | number): string {
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}
