import type { CaseExportRow } from './list-cases.js'

const COLUMNS = [
  'code',
  'createdAt',
  'status',
  'urgent',
  'needsListening',
  'sector',
  'category',
  'departmentCode',
  'municipalityCode',
  'municipality',
  'unit',
  'institution',
  'assignee',
  'responseDueAt',
  'respondedAt',
  'dueAt',
  'identityMode',
  'pseudonym',
  'facility',
  'description',
] as const satisfies readonly (keyof CaseExportRow)[]

/**
 * A cell a spreadsheet will not run: text a citizen typed may start with `=`, `+`, `-`, `@` or a
 * tab and be taken for a formula (`=HYPERLINK(...)` that sends the sheet away), so such a cell
 * starts with an apostrophe, which spreadsheets show as text. Every cell is quoted.
 */
export function csvCell(value: string | number | boolean | Date | null): string {
  const text = value === null ? '' : value instanceof Date ? value.toISOString() : String(value)
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return `"${safe.replace(/"/g, '""')}"`
}

/** The rows as CSV (RFC 4180, CRLF line ends) with a header line. */
export function casesCsv(rows: readonly CaseExportRow[]): string {
  const lines = [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((column) => csvCell(row[column])).join(','))]
  return `${lines.join('\r\n')}\r\n`
}
