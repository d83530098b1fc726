import { accepted, refused, type Answer } from './answer.js'
import { acceptsMedia } from './accepts-media.js'
import { bareEmoji, normalize } from './normalize.js'
import { questionReply, type AskNode } from './question.js'
import { readChoice } from './read-choice.js'
import { readList } from './read-list.js'
import { readPlace } from './read-place.js'
import type { EngineContext, InputSpec, Json, MessageContent, Session } from './types.js'
import type { Vocabulary, WordSet } from './vocabulary.js'

/** the buttons of a yes/no question come in this order, so "1" is yes and "2" is no on a numbered menu */
const NUMBERED_YES = '1'
const NUMBERED_NO = '2'
/** unsupported kinds with their own kind sentence; anything else gets the general one */
const KNOWN_UNSUPPORTED = new Set(['sticker', 'contact', 'poll', 'reaction', 'edited', 'mediaTooLarge', 'mediaFailed', 'mediaType'])

/** Reads the citizen's answer to a question: the value to store, or what to tell them. */
export function readAnswer(node: AskNode, input: MessageContent, session: Session, ctx: EngineContext): Answer {
  const spec = node.input
  if (input.kind === 'unsupported') {
    return problem(node, session, ctx, unsupportedKey(input.what))
  }
  switch (spec.type) {
    case 'choice': {
      if (input.kind === 'location' && spec.locate) {
        const place = readPlace(node.var, spec.locate, input.municipalityCode, ctx)
        return place ?? problem(node, session, ctx, 'engine.invalid.locationOutside')
      }
      if (input.kind !== 'text' && input.kind !== 'choice') return problem(node, session, ctx, unexpected(input, spec))
      const answer = readChoice(node.var, spec.source, input, session, ctx)
      if (answer.ok && spec.locate) answer.extra[spec.locate.locatedVar] = false
      if (!answer.ok && spec.locate && spec.source.from === 'departments' && input.kind === 'text') return readMunicipalityAsPlace(node.var, spec.locate, input, session, ctx) ?? answer
      return answer
    }
    case 'multi':
    case 'ranking':
      if (input.kind === 'text' || input.kind === 'choice') return readList(node, spec, input, session, ctx)
      return problem(node, session, ctx, unexpected(input, spec))
    case 'text': {
      // a voice note in place of the words, where the question allows it
      if (input.kind === 'media' && acceptsMedia(spec, input.media)) {
        return accepted({ media: input.media, ref: input.ref, mimeType: input.mimeType ?? null, size: input.size ?? null })
      }
      if (input.kind !== 'text') return problem(node, session, ctx, unexpected(input, spec))
      const text = input.text.trim()
      const length = codePoints(text)
      if (length < spec.min) return problem(node, session, ctx, 'engine.invalid.tooShort', { min: spec.min, length })
      if (length > spec.max) return problem(node, session, ctx, 'engine.invalid.tooLong', { max: spec.max, length })
      return accepted(text)
    }
    case 'number': {
      if (input.kind !== 'text') return problem(node, session, ctx, unexpected(input, spec))
      const value = parseNumber(input.text)
      if (value === undefined) return problem(node, session, ctx, 'engine.invalid.number')
      const { min, max } = spec
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        if (min !== undefined && max !== undefined) return problem(node, session, ctx, 'engine.invalid.numberBetween', { min, max })
        if (min !== undefined) return problem(node, session, ctx, 'engine.invalid.numberAtLeast', { min })
        return problem(node, session, ctx, 'engine.invalid.numberAtMost', { max: max ?? value })
      }
      return accepted(value)
    }
    case 'yesno': {
      if (input.kind === 'choice' && (input.id === 'yes' || input.id === 'no')) return accepted(input.id === 'yes')
      if (input.kind !== 'text') return problem(node, session, ctx, unexpected(input, spec))
      const value = readYesNo(input.text, ctx.vocabulary)
      return value === undefined ? problem(node, session, ctx, 'engine.invalid.yesno') : accepted(value)
    }
    case 'location':
      if (input.kind === 'location') return accepted({ latitude: input.latitude, longitude: input.longitude })
      if (input.kind === 'text' && spec.optional && says(input.text, ctx.vocabulary.skip)) return accepted(null)
      return problem(node, session, ctx, unexpected(input, spec))
    case 'media':
      if (input.kind === 'media') {
        return accepted({ media: input.media, ref: input.ref, mimeType: input.mimeType ?? null, size: input.size ?? null })
      }
      if (input.kind === 'text' && spec.optional && says(input.text, ctx.vocabulary.skip)) return accepted(null)
      return problem(node, session, ctx, unexpected(input, spec))
  }
}

/**
 * A short word on what was wrong, then the same question again (buttons and all). A function of
 * its own rather than a closure readAnswer makes on every answer, when most answers are fine.
 */
function problem(node: AskNode, session: Session, ctx: EngineContext, key: string, vars?: Record<string, Json>): Answer {
  return refused([{ text: ctx.t(session.locale, key, vars) }, questionReply(node, session, ctx)])
}

/** The kind sentence for a message we cannot read yet (a sticker, a contact card ...). */
export function unsupportedKey(what: string): string {
  // channels may name a kind in kebab case ("media-too-large"); the texts are in camel case
  const kind = what.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
  return `engine.unsupported.${KNOWN_UNSUPPORTED.has(kind) ? kind : 'other'}`
}

/** The kind sentence for an answer of the wrong kind: a photo where words were asked, ... */
function unexpected(input: Exclude<MessageContent, { kind: 'unsupported' }>, spec: InputSpec): string {
  switch (input.kind) {
    case 'media':
      return `engine.unexpected.${input.media}`
    case 'location':
      return 'engine.unexpected.location'
    case 'choice':
      return 'engine.unexpected.button'
    case 'text': {
      const optional = (spec.type === 'location' || spec.type === 'media') && spec.optional
      return `engine.invalid.${spec.type}${optional ? 'OrSkip' : ''}`
    }
  }
}

/**
 * The characters of a text as people count them, "🏥" one: its code points, as `[...text].length`
 * counts them (a pair of surrogates is one, a lone one is one), without making that array.
 */
export function codePoints(text: string): number {
  let count = text.length
  for (let i = 0; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      count--
      i++
    }
  }
  return count
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** "3", "3,5", "1 500": people write decimals with a comma and thousands with spaces. */
function parseNumber(text: string): number | undefined {
  const compact = text.trim().replace(/\s+/g, '').replace(',', '.')
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : undefined
}

/** Yes, no or neither, by the locale files' words (and "1"/"2", the buttons' numbers); whole answer only: "no sé" is neither. */
export function readYesNo(text: string, vocabulary: Pick<Vocabulary, 'yes' | 'no'>): boolean | undefined {
  const normalized = normalize(text)
  if (normalized === NUMBERED_YES || says(text, vocabulary.yes)) return true
  if (normalized === NUMBERED_NO || says(text, vocabulary.no)) return false
  return undefined
}

/** The answer is one of these words, or starts with one of their emoji ("👍", "👍 gracias"). */
function says(text: string, set: WordSet): boolean {
  const typed = bareEmoji(text)
  return set.emoji.some((emoji) => typed.startsWith(emoji)) || set.words.has(normalize(typed))
}

/**
 * "xela", "Mixco" where a department was asked ("escriba el departamento"): a municipality named
 * instead places both, as a shared location does, and the citizen confirms it. Undefined when the
 * text names no single municipality either.
 */
function readMunicipalityAsPlace(
  departmentVar: string,
  locate: { municipalityVar: string; locatedVar: string },
  input: MessageContent & { kind: 'text' },
  session: Session,
  ctx: EngineContext,
): Answer | undefined {
  const named = readChoice(locate.municipalityVar, { from: 'municipalities', departmentVar }, input, session, ctx)
  if (!named.ok || typeof named.value !== 'string') return undefined
  const municipality = ctx.catalog.municipalities.find((m) => m.code === named.value)
  const department = ctx.catalog.departments.find((d) => d.code === municipality?.departmentCode)
  if (!municipality || !department) return undefined
  return accepted(department.code, {
    [`${departmentVar}Label`]: department.name,
    [locate.municipalityVar]: municipality.code,
    [`${locate.municipalityVar}Label`]: municipality.name,
    [locate.locatedVar]: true,
  })
}
