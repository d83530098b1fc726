import { editRatio } from './edit-distance.js'
import { bareEmoji, normalize, words } from './normalize.js'

/**
 * One option a citizen can pick: `label` is what we show (translated), `aliases` other words for
 * it, `emoji` a picture that picks it when sent alone (🏥 for health).
 */
export type ChoiceOption = { id: string; label: string; aliases?: readonly string[]; emoji?: string }

export type ChoiceMatch =
  /** `loose`: guessed from part of a word or a slip ("medicamentso"), so worth saying back */
  | { kind: 'match'; id: string; loose?: boolean }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'none' }

export type MatchChoiceSettings = {
  /** the ids that "1", "dos", "3." refer to, in order; by default the options' own order */
  numbered?: readonly string[]
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
}
/** "opción 2", "la 2", "number 3": the word before the number adds nothing */
const NUMBER_LEADS = new Set(['opcion', 'option', 'numero', 'number', 'num', 'nro', 'la', 'el'])
/** words too common to tell options apart ("San José del Golfo" is found by "jose golfo") */
const STOP_WORDS = new Set(['de', 'del', 'la', 'las', 'el', 'los', 'en', 'y', 'o', 'a', 'the', 'of', 'in', 'and', 'or'])
/** a lone near miss at most this far off (relative edit distance) is taken as meant */
const ACCEPT = 0.25
/** near misses up to this far are offered back as "did you mean" */
const SUGGEST = 0.4
/** a clear winner must beat the runner-up by this much, else both are offered */
const MARGIN = 0.1
const MAX_SUGGESTIONS = 5
const MIN_PARTIAL = 3

type Phrase = { id: string; text: string; words: string[] }

const NONE: ChoiceMatch = { kind: 'none' }

/**
 * Finds which option a free-text answer means, trying the surest readings first: exact id, exact
 * label or alias, a number, a label inside the answer, word prefixes, word fragments, near misses.
 */
export function matchChoice(text: string, options: readonly ChoiceOption[], settings: MatchChoiceSettings = {}): ChoiceMatch {
  if (options.length === 0) return NONE
  const picture = byEmoji(text, options)
  if (picture) return picture
  const input = normalize(text)
  if (input === '') return NONE
  const phrases = options.flatMap((option) =>
    [option.label, ...(option.aliases ?? [])]
      .map(normalize)
      .filter((phrase) => phrase !== '')
      .map((phrase) => ({ id: option.id, text: phrase, words: words(phrase) })),
  )
  const order = options.map((option) => option.id)
  const numbered = settings.numbered ?? order
  return (
    byId(text, input, options) ??
    decide(order, phrases.filter((phrase) => phrase.text === input).map((phrase) => phrase.id)) ??
    byNumber(input, numbered) ??
    byContainedPhrase(input, phrases, order) ??
    loosely(byWordPrefixes(input, phrases, order) ?? byWordFragments(input, phrases, order) ?? byEditDistance(input, phrases, order)) ??
    NONE
  )
}

/** A match found from fragments or near misses: the citizen should see what it was taken for. */
function loosely(match: ChoiceMatch | undefined): ChoiceMatch | undefined {
  return match?.kind === 'match' ? { ...match, loose: true } : match
}

/** "🏥" alone: normalising erases emoji, so they are compared as typed */
function byEmoji(raw: string, options: readonly ChoiceOption[]): ChoiceMatch | undefined {
  const typed = bareEmoji(raw)
  const found = options.filter((option) => option.emoji !== undefined && bareEmoji(option.emoji) === typed)
  return found.length === 1 && found[0] ? { kind: 'match', id: found[0].id } : undefined
}

function byId(raw: string, input: string, options: readonly ChoiceOption[]): ChoiceMatch | undefined {
  const lowered = raw.trim().toLowerCase()
  const found = options.find((option) => option.id.toLowerCase() === lowered || normalize(option.id) === input)
  return found ? { kind: 'match', id: found.id } : undefined
}

function byNumber(input: string, numbered: readonly string[]): ChoiceMatch | undefined {
  const tokens = words(input)
  const token = tokens.length === 2 && NUMBER_LEADS.has(tokens[0] ?? '') ? tokens[1] : tokens.length === 1 ? tokens[0] : undefined
  if (token === undefined) return undefined
  const n = /^\d+$/.test(token) ? Number(token) : NUMBER_WORDS[token]
  const id = n === undefined ? undefined : numbered[n - 1]
  return id === undefined ? undefined : { kind: 'match', id }
}

/** "es en el centro de salud" names "salud"; of nested hits ("san jose", "san jose pinula") keep the longest */
function byContainedPhrase(input: string, phrases: readonly Phrase[], order: readonly string[]): ChoiceMatch | undefined {
  const inputWords = words(input)
  const hits = phrases.filter((phrase) => phrase.text.length >= MIN_PARTIAL && containsSequence(inputWords, phrase.words))
  const outermost = hits.filter(
    (hit) => !hits.some((other) => other.text.length > hit.text.length && containsSequence(other.words, hit.words)),
  )
  return decide(order, outermost.map((hit) => hit.id))
}

/** every word typed starts a word of the option: "jose golfo", "quetz", "sal" */
function byWordPrefixes(input: string, phrases: readonly Phrase[], order: readonly string[]): ChoiceMatch | undefined {
  const typed = contentWords(input)
  const hits = phrases.filter(
    (phrase) =>
      (input.length >= MIN_PARTIAL && phrase.text.startsWith(input)) ||
      typed.every((word) => phrase.words.some((own) => own === word || (word.length >= MIN_PARTIAL && own.startsWith(word)))),
  )
  return decide(order, hits.map((hit) => hit.id))
}

/** every word typed sits inside a word of the option: "tenango" in "quetzaltenango" */
function byWordFragments(input: string, phrases: readonly Phrase[], order: readonly string[]): ChoiceMatch | undefined {
  const typed = contentWords(input)
  if (typed.some((word) => word.length <= MIN_PARTIAL)) return undefined
  const hits = phrases.filter((phrase) => typed.every((word) => phrase.words.some((own) => own.includes(word))))
  return decide(order, hits.map((hit) => hit.id))
}

/** slips of the thumb: "misco", "eduacion", "quesaltenango" */
function byEditDistance(input: string, phrases: readonly Phrase[], order: readonly string[]): ChoiceMatch | undefined {
  if (input.length < MIN_PARTIAL) return undefined
  const typed = contentWords(input).filter((word) => word.length >= MIN_PARTIAL)
  const best = new Map<string, number>()
  for (const phrase of phrases) {
    const score = Math.min(editRatio(input, phrase.text), wordScore(typed, phrase.words))
    best.set(phrase.id, Math.min(score, best.get(phrase.id) ?? Infinity))
  }
  const close = [...best.entries()]
    .filter(([, score]) => score <= SUGGEST)
    .sort(([a, x], [b, y]) => x - y || order.indexOf(a) - order.indexOf(b))
  const [first, second] = close
  if (first === undefined) return undefined
  if (first[1] <= ACCEPT && (second === undefined || second[1] > first[1] + MARGIN)) return { kind: 'match', id: first[0] }
  return { kind: 'ambiguous', candidates: close.slice(0, MAX_SUGGESTIONS).map(([id]) => id) }
}

/** how far the worst typed word is from its nearest word in the option */
function wordScore(typed: readonly string[], own: readonly string[]): number {
  if (typed.length === 0) return Infinity
  return Math.max(...typed.map((word) => Math.min(...own.map((candidate) => editRatio(word, candidate)))))
}

function contentWords(input: string): string[] {
  const all = words(input)
  const content = all.filter((word) => !STOP_WORDS.has(word))
  return content.length > 0 ? content : all
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((word, i) => haystack[start + i] === word)) return true
  }
  return false
}

/** one id is a match, several are a question back (in the options' order), none is no answer */
function decide(order: readonly string[], ids: readonly string[]): ChoiceMatch | undefined {
  const unique = order.filter((id) => ids.includes(id))
  if (unique.length === 0) return undefined
  if (unique.length === 1 && unique[0] !== undefined) return { kind: 'match', id: unique[0] }
  return { kind: 'ambiguous', candidates: unique }
}
