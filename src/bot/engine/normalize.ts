/**
 * Folds what citizens type into one comparable form: "¡Salud 🏥!" and "salud" must meet, and so
 * must "Petén" and "peten". Punctuation becomes a space so "2." is "2" and "life_at_risk" is
 * three words.
 */

// Pictographs, skin tones, flag letters and the joiner that glues emoji together; variation
// selectors and the keycap are marks, gone with the accents. Not \p{Emoji}: that class also holds
// the digits 0-9, # and *.
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{200D}/gu
const MARKS = /\p{M}/gu
const PUNCTUATION_AND_SYMBOLS = /[\p{P}\p{S}]/gu
const SPACES = /\s+/gu

/** Lowercases, strips accents (NFD), emoji and punctuation, and collapses spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(EMOJI, ' ')
    .replace(PUNCTUATION_AND_SYMBOLS, ' ')
    .toLowerCase()
    .replace(SPACES, ' ')
    .trim()
}

/** The words of an already normalized text. */
export function words(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ')
}

const VARIATION_SELECTORS = /[\uFE0E\uFE0F]/gu

/** An emoji as typed, without the variation selector some keyboards add ("✔️" is "✔"): normalize() would erase it. */
export function bareEmoji(text: string): string {
  return text.trim().replace(VARIATION_SELECTORS, '')
}
