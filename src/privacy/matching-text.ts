/**
 * A citizen's text as the redaction rules read it, with a way back to the text as written.
 *
 * People (and their keyboards) write the same number many ways: full-width digits, en dashes,
 * non-breaking or zero-width spaces between digits. The rules match one plain form, but what staff
 * read is the citizen's own text with only the masked parts replaced, so the rest stays exactly as
 * written (emoji, paragraphs, accents), and text with nothing to mask comes back unchanged.
 */

/** A piece of the plain form: `label` replaces it in the output; null keeps it (a date, a code). */
export type Span = { start: number; end: number; label: string | null }

/** The plain form and, for each of its UTF-16 units, where its source character lies in the original. */
export type MatchingText = { text: string; starts: number[]; ends: number[] }

// Format characters (zero-width spaces and joiners, soft hyphens, direction marks) split a number
// without showing; in the plain form they are gone.
const INVISIBLE = /^\p{Cf}$/u
const LINE_BREAK = /^[\n\r\v\f\u0085\u2028\u2029]$/u
const SPACE = /^[\s\p{Zs}]$/u
const DASH = /^[\p{Pd}\u2212\uFE63\uFF0D]$/u
const APOSTROPHE = /^[\u2018\u2019\u02BC\u00B4`]$/u

function plain(char: string): string {
  if (INVISIBLE.test(char)) return ''
  // Lines stay apart: digits on two lines of a list are not one number.
  if (LINE_BREAK.test(char)) return '\n'
  if (SPACE.test(char)) return ' '
  if (DASH.test(char)) return '-'
  if (APOSTROPHE.test(char)) return "'"
  // NFKC per character: full-width digits and letters, ＠, circled digits become plain ones.
  return char.normalize('NFKC')
}

/** The plain form of `original`: NFKC, every dash '-', every space ' ', invisible characters dropped. */
export function toMatchingText(original: string): MatchingText {
  let text = ''
  const starts: number[] = []
  const ends: number[] = []
  let at = 0
  for (const char of original) {
    const mapped = plain(char)
    for (let i = 0; i < mapped.length; i++) {
      starts.push(at)
      ends.push(at + char.length)
    }
    text += mapped
    at += char.length
  }
  return { text, starts, ends }
}

/** Replaces `spans` of the plain form with `filler`, so later rules neither match nor cross them. */
export function blank(text: string, spans: readonly Span[], filler: string): string {
  let out = text
  for (const { start, end } of spans) out = out.slice(0, start) + filler.repeat(end - start) + out.slice(end)
  return out
}

/** The original text with each labelled span of its plain form replaced by the label. */
export function render(original: string, matching: MatchingText, spans: readonly Span[]): string {
  const masked = spans
    .filter((span): span is Span & { label: string } => span.label !== null && span.end > span.start)
    .map((span) => ({ from: matching.starts[span.start] ?? 0, to: matching.ends[span.end - 1] ?? original.length, label: span.label }))
    .sort((a, b) => a.from - b.from)
  let out = ''
  let at = 0
  for (const { from, to, label } of masked) {
    // one original character can stand for several plain ones (½ is 1⁄2): never emit it twice
    if (to <= at) continue
    out += original.slice(at, Math.max(at, from)) + label
    at = to
  }
  return out + original.slice(at)
}
