/** A CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
function field(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Writes records as CSV (RFC 4180, CRLF line ends) with the given columns in order; a missing
 * value is an empty field.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(field).join(','), ...rows.map((row) => columns.map((column) => field(row[column])).join(','))]
  return `${lines.join('\r\n')}\r\n`
}
