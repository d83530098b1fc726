import type { Span } from './matching-text.js'

/**
 * Phone, DPI/CUI and other long numbers in a text's plain form, however the digits are grouped:
 * `5512-3456`, `55 12 34 56`, `5512 - 3456`, `5512/3456`, `5 5 1 2 3 4 5 6`, `+1 (305) 555-1234`,
 * `(502) 7765-4321`, `1234  56789  0101`, `12 3456 7890 101`.
 *
 * A run of digit groups joined by separators is read from the left, taking the longest stretch of
 * groups that is a phone or a DPI, so a short number beside a phone stays (`zona 7 [teléfono]`) and
 * two phones in a row are two phones.
 */

export type NumberLabels = { phone: string; dpi: string; number: string }

// Digit groups joined by up to three of: space, dash, dot, slash, brackets ("5512 - 3456", ") ").
const RUN = /(?<![\p{L}\p{N}\p{M}_])(?:\+ ?)?\(? ?\d+(?:[ \-./()]{1,3}\d+)*(?![\p{L}\p{N}])/gu
const GROUP = /\d+/g
const YEAR = /^(?:19|20)\d{2}$/

type Group = { start: number; end: number; digits: string }

/** What a sequence of digits is on its own: a phone, a DPI, or nothing definite. */
function exactKind(digits: string, groups: readonly Group[]): 'phone' | 'dpi' | null {
  // "2025-2026" is a school year, not a phone
  if (groups.length === 2 && groups.every((group) => YEAR.test(group.digits))) return null
  // 00 502 5512 3456: the international prefix dialled from a phone
  if (/^00\d{8,15}$/.test(digits)) return 'phone'
  if (digits.length === 13) return 'dpi'
  // Guatemalan numbers: 8 digits, landlines 2, 6, 7, mobiles 3, 4, 5; 502 is the country code
  if (/^[2-7]\d{7}$/.test(digits) || /^502[2-7]\d{7}$/.test(digits)) return 'phone'
  return null
}

function digitsOf(groups: readonly Group[]): string {
  return groups.map((group) => group.digits).join('')
}

// The longest phone or DPI, in digits: 00 + a country code + a national number.
const LONGEST = 17

/**
 * Spans for the groups of one run: from the left, the longest stretch that is a phone or a DPI;
 * what lies between such stretches is masked as a number when it has 9 digits or more. Linear in
 * the groups, since a stretch is never longer than LONGEST digits.
 */
function groupSpans(groups: readonly Group[], labels: NumberLabels): Span[] {
  const spans: Span[] = []
  let rest = 0
  const flushRest = (upTo: number) => {
    const leftover = groups.slice(rest, upTo)
    const first = leftover[0]
    const last = leftover.at(-1)
    // "2019 2020 2021" lists years; anything else this long may identify someone
    const years = leftover.every((group) => YEAR.test(group.digits))
    if (first && last && !years && digitsOf(leftover).length >= 9) spans.push({ start: first.start, end: last.end, label: labels.number })
  }
  let from = 0
  while (from < groups.length) {
    let found: { size: number; kind: 'phone' | 'dpi' } | null = null
    let length = 0
    let size = 0
    while (from + size < groups.length && length + (groups[from + size]?.digits.length ?? 0) <= LONGEST) {
      length += groups[from + size]?.digits.length ?? 0
      size++
      const stretch = groups.slice(from, from + size)
      const kind = exactKind(digitsOf(stretch), stretch)
      if (kind !== null) found = { size, kind }
    }
    const first = groups[from]
    const last = groups[from + (found?.size ?? 1) - 1]
    if (!found || !first || !last) {
      from++
      continue
    }
    flushRest(from)
    spans.push({ start: first.start, end: last.end, label: labels[found.kind] })
    from += found.size
    rest = from
  }
  flushRest(groups.length)
  return spans
}

/** Spans of phones, DPI/CUI numbers and long digit runs in `text` (a plain form). */
export function numberSpans(text: string, labels: NumberLabels): Span[] {
  const spans: Span[] = []
  for (const run of text.matchAll(RUN)) {
    const groups = [...run[0].matchAll(GROUP)].map((group) => ({
      start: run.index + group.index,
      end: run.index + group.index + group[0].length,
      digits: group[0],
    }))
    const digits = digitsOf(groups)
    // "+1 (305) 555-1234": a + says it is a phone number, whatever the country
    if (run[0].startsWith('+') && digits.length >= 8 && digits.length <= 15) {
      spans.push({ start: run.index, end: run.index + run[0].length, label: labels.phone })
      continue
    }
    const found = groupSpans(groups, labels)
    // take in an opening bracket whose closing one is masked too: "(502) 7765-4321"
    const first = found[0]
    if (first && first.label !== null && first.start === groups[0]?.start && run[0].startsWith('(')) {
      const closes = text.indexOf(')', run.index)
      if (closes !== -1 && closes < first.end) first.start = run.index
    }
    spans.push(...found)
  }
  return spans
}
