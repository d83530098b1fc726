import { readFile } from 'node:fs/promises'

/**
 * Parses RFC 4180 CSV into one record per row, keyed by the header. Handles quoted fields (with
 * commas, doubled quotes and line breaks), CRLF or LF endings, and a UTF-8 byte-order mark, which
 * is what a spreadsheet leaves behind when an operator edits these files.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = splitRows(text.replace(/^\uFEFF/, ''))
  const header = rows.shift()
  if (!header) return []
  return rows
    .filter((row) => !(row.length === 1 && row[0] === ''))
    .map((row, index) => {
      if (row.length !== header.length) {
        throw new Error(`CSV row ${index + 2} has ${row.length} fields, the header has ${header.length}`)
      }
      return Object.fromEntries(header.map((name, i) => [name, row[i] ?? '']))
    })
}

function splitRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (quoted) throw new Error('CSV ends inside a quoted field')
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

/** Reads one of the CSV files kept beside this module (src/db/reference). */
export async function readReferenceCsv(fileName: string): Promise<Record<string, string>[]> {
  return parseCsv(await readFile(new URL(`./${fileName}`, import.meta.url), 'utf8'))
}
