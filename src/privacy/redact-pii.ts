import type { IdentityMode } from '../db/schema/index.js'
import { type Span, blank, render, toMatchingText } from './matching-text.js'
import { numberSpans } from './number-spans.js'
import { selfIntroductionSpans } from './self-introductions.js'

/**
 * Masks personal data in free text written by citizens before staff, alerts, statistics or
 * Open311 see it: e-mail addresses (also "maria arroba gmail punto com", "[at]"), Guatemalan
 * DPI/CUI numbers (13 digits however grouped), phone numbers (8 digits, with or without +502, and
 * foreign ones written with +) and other long digit runs such as account numbers. What is masked
 * is replaced by a label, so the sentence still reads; the rest stays as the citizen wrote it.
 *
 * Matching runs on a plain form of the text (NFKC, one kind of dash and of space, no invisible
 * characters), because "５５１２–３４５６" with a no-break space is still a phone number.
 */

export const LABELS = { email: '[correo]', dpi: '[DPI]', phone: '[teléfono]', number: '[número]', name: '[nombre]' } as const

// Where a rule has already matched: no letter, digit, space or separator, so nothing matches
// into it or across it.
const FILLER = '\uE000'

// "maria.lopez@correo.com.gt", "maria @ gmail.com", "maria arroba gmail punto com", "maria[at]gmail[dot]com".
const AT = String.raw`(?: ?@ ?| +arroba +| ?[\[({] ?(?:at|arroba) ?[\])}] ?)`
const LOCAL_DOT = String.raw`(?:\.| +punto +|[\[({] ?(?:dot|punto) ?[\])}])`
const DOMAIN_DOT = String.raw`(?: ?\. ?| +punto +| ?[\[({] ?(?:dot|punto) ?[\])}] ?)`
const LOCAL = String.raw`[\p{L}\p{N}_%+-]+(?:${LOCAL_DOT}[\p{L}\p{N}_%+-]+)*`
const DOMAIN = String.raw`[\p{L}\p{N}-]+(?:${DOMAIN_DOT}[\p{L}\p{N}-]+)*${DOMAIN_DOT}\p{L}{2,}`
const EMAIL = new RegExp(String.raw`(?<![\p{L}\p{N}])${LOCAL}${AT}${DOMAIN}(?![\p{L}\p{N}])`, 'giu')

/**
 * Numbers that look like personal data but are not, found before the number rules so those leave
 * them alone: tracking codes (`K7QM3-XHA2P`, old `K7QM-3XHA`), dates (`12/10/2026`, `2026-12-01`),
 * amounts (`Q 1,250.00`, `25.000.000 quetzales`).
 */
const KEEP: readonly RegExp[] = [
  // a code has a letter; an all-digit group of ten is left to the number rules
  /(?<![\p{L}\p{N}])(?=[0-9A-Z-]*[A-Z])[0-9A-Z]{4,5}-[0-9A-Z]{4,5}(?![\p{L}\p{N}])/giu,
  // day (or month) first; not part of a longer chain such as the phone 22-12-34-56
  /(?<!\d ?[/.-] ?)(?<!\d)(?:0?[1-9]|[12]\d|3[01]) ?([/.-]) ?(?:0?[1-9]|[12]\d|3[01]) ?\1 ?(?:\d{4}|\d{2})(?!\d)(?! ?[/.-] ?\d)/gu,
  /(?<!\d ?[/.-] ?)(?<!\d)(?:19|20)\d{2} ?([/.-]) ?(?:0?[1-9]|1[0-2]) ?\1 ?(?:0?[1-9]|[12]\d|3[01])(?!\d)(?! ?[/.-] ?\d)/gu,
  /(?<![\p{L}\p{N}])(?:GTQ|USD|US\$|Q|\$)\.? ?(?:\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]\d{1,2})?(?!\d)/giu,
  /(?<![\p{L}\p{N}])(?:\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]\d{1,2})? ?(?:quetzales|quetzal|dólares|dolares|Q)(?![\p{L}\p{N}])/giu,
]

function matchSpans(text: string, pattern: RegExp, label: string | null): Span[] {
  return [...text.matchAll(pattern)].map((match) => ({ start: match.index, end: match.index + match[0].length, label }))
}

type Rule = (text: string) => Span[]

const CONTACT_RULES: readonly Rule[] = [
  (text) => matchSpans(text, EMAIL, LABELS.email),
  (text) => KEEP.flatMap((pattern) => matchSpans(text, pattern, null)),
  (text) => numberSpans(text, LABELS),
]
const NAME_RULE: Rule = (text) => selfIntroductionSpans(text, LABELS.name)

function redact(text: string, rules: readonly Rule[]): string {
  const matching = toMatchingText(text)
  let work = matching.text
  const spans: Span[] = []
  for (const rule of rules) {
    const found = rule(work)
    spans.push(...found)
    work = blank(work, found, FILLER)
  }
  return render(text, matching, spans)
}

/** The text with contact data and ids masked: e-mails, phones, DPI/CUI, long numbers. */
export function redactPii(text: string): string {
  return redact(text, CONTACT_RULES)
}

/**
 * As redactPii, and the citizen's own name where they introduce themself ("me llamo [nombre]"):
 * for confidential and anonymous cases, whose citizen did not agree to be known.
 */
export function redactPiiAndNames(text: string): string {
  // names after e-mails and kept numbers, before the other numbers: a name never holds digits
  return redact(text, [...CONTACT_RULES.slice(0, 2), NAME_RULE, ...CONTACT_RULES.slice(2)])
}

/** The text staff may read of a case filed in `mode`: a named citizen agreed to be known by name. */
export function redactForStaff(text: string, mode: IdentityMode): string {
  return mode === 'named' ? redactPii(text) : redactPiiAndNames(text)
}

/** Whether the text holds anything redactPii would mask. */
export function containsPii(text: string): boolean {
  return redactPii(text) !== text
}
