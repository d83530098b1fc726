/**
 * Masks personal data in free text written by citizens before staff, alerts, statistics or
 * Open311 see it: e-mail addresses, Guatemalan DPI/CUI numbers (13 digits, often written
 * 4-5-4), phone numbers (8 digits, with or without +502) and other long digit runs such as
 * account numbers. What is masked is replaced by a label, so the sentence still reads.
 */

type Rule = { label: string; pattern: RegExp }

// Separators people put inside numbers: spaces, dashes, dots.
const SEP = '[\\s.-]?'

const RULES: Rule[] = [
  { label: '[correo]', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  // DPI/CUI: 13 digits, usually 4 5 4.
  { label: '[DPI]', pattern: new RegExp(`(?<!\\d)\\d{4}${SEP}\\d{5}${SEP}\\d{4}(?!\\d)`, 'g') },
  // Phones: optional +502 / 502 / (502), then 8 digits, usually 4 4.
  {
    label: '[teléfono]',
    pattern: new RegExp(`(?<![\\d])(?:(?:\\+|00)?\\(?502\\)?${SEP})?[2-7]\\d{3}${SEP}\\d{4}(?!\\d)`, 'g'),
  },
  // Any other run of 9 or more digits (bank accounts, foreign phones, case files of other agencies).
  { label: '[número]', pattern: new RegExp(`(?<!\\d)\\+?\\d(?:${SEP}\\d){8,}(?!\\d)`, 'g') },
]

/** The text with personal data masked. */
export function redactPii(text: string): string {
  return RULES.reduce((current, rule) => current.replace(rule.pattern, rule.label), text)
}

/** Whether the text holds anything redactPii would mask. */
export function containsPii(text: string): boolean {
  return redactPii(text) !== text
}
