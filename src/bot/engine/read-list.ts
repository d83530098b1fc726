import { accepted, refused, type Answer } from './answer.js'
import { sourceOptions, toChoices, type SourceOption } from './choice-options.js'
import { matchChoice } from './match-choice.js'
import { normalize, words } from './normalize.js'
import type { AskNode } from './question.js'
import type { EngineContext, InputSpec, Json, MessageContent, Reply, Session } from './types.js'

/** A question answered with several options: pick some (`multi`) or put them in order (`ranking`). */
export type ListSpec = Extract<InputSpec, { type: 'multi' | 'ranking' }>

// "agua, luz", "agua; luz", one per line
const LIST_SEPARATORS = /[,;\n]+/u
// "agua y luz", "water and power", "agua / luz"; only tried on a piece that is not itself an option
const JOINING_WORDS = /\s+(?:y|e|and|&|\/)\s+/iu

/** How many options a list answer must hold: up to `max`, or all (or the top N) in order. */
export function listHint(spec: ListSpec, optionCount: number): { key: string; vars: Record<string, Json> } {
  if (spec.type === 'multi') return { key: 'engine.list.multiHint', vars: { max: Math.min(spec.max, optionCount) } }
  if (spec.top !== undefined && spec.top < optionCount) return { key: 'engine.list.rankTopHint', vars: { top: spec.top } }
  return { key: 'engine.list.rankAllHint', vars: {} }
}

/** Renders a list question: the prompt, the hint on how to answer, the options as buttons. */
export function listQuestionReply(node: AskNode, spec: ListSpec, session: Session, ctx: EngineContext): Reply {
  const options = sourceOptions(spec.source, session, ctx).primary
  if (options.length === 0) throw new Error(`question ${node.var} (${node.prompt}) has no options to offer`)
  const hint = listHint(spec, options.length)
  const text = `${ctx.t(session.locale, node.prompt, session.vars)}\n${ctx.t(session.locale, hint.key, hint.vars)}`
  return { text, choices: toChoices(options), expects: 'choice' }
}

/**
 * Reads a list answer: "1, 3", "3 1 2", "agua y luz", or one button press (a list of one). A
 * ranking that names all options but one gets the last one put at the end.
 */
export function readList(
  node: AskNode,
  spec: ListSpec,
  input: MessageContent & { kind: 'text' | 'choice' },
  session: Session,
  ctx: EngineContext,
): Answer {
  const { primary, fallback } = sourceOptions(spec.source, session, ctx)
  const options = [...primary, ...fallback]
  const problem = (key: string, vars?: Record<string, Json>): Answer =>
    refused([{ text: ctx.t(session.locale, key, vars) }, listQuestionReply(node, spec, session, ctx)])

  let picked: SourceOption[]
  if (input.kind === 'choice') {
    const option = options.find((candidate) => candidate.id === input.id)
    if (!option) return problem('engine.choice.staleButton')
    picked = [option]
  } else {
    const pieces = listPieces(input.text, options)
    if (pieces.length === 0) return problem('engine.list.empty')
    picked = []
    for (const piece of pieces) {
      const match = matchChoice(piece, options)
      const option = match.kind === 'match' ? options.find((candidate) => candidate.id === match.id) : undefined
      if (!option) return problem('engine.list.notFound', { answer: piece.trim().slice(0, 60) })
      picked.push(option)
    }
  }

  if (spec.type === 'multi') {
    const unique = picked.filter((option, i) => picked.indexOf(option) === i)
    if (unique.length > spec.max) return problem('engine.list.tooMany', { max: spec.max })
    return pickedAnswer(node.var, unique)
  }
  if (new Set(picked).size !== picked.length) return problem('engine.list.repeated')
  const wanted = spec.top !== undefined ? Math.min(spec.top, options.length) : options.length
  // everything but the last: the one left over can only be last
  if (spec.top === undefined && picked.length === options.length - 1) {
    picked.push(...options.filter((option) => !picked.includes(option)))
  }
  if (picked.length !== wanted) {
    return wanted === options.length ? problem('engine.list.rankAll', { n: wanted }) : problem('engine.list.rankTop', { top: wanted })
  }
  return pickedAnswer(node.var, picked)
}

/** Stores the ids in order, and their labels beside them in `<var>Labels`. */
function pickedAnswer(variable: string, picked: readonly SourceOption[]): Answer {
  return accepted(
    picked.map((option) => option.id),
    { [`${variable}Labels`]: picked.map((option) => option.storedLabel) },
  )
}

/** Splits an answer into the pieces that each name one option. */
function listPieces(text: string, options: readonly SourceOption[]): string[] {
  const named = new Set(options.flatMap((option) => [option.label, ...(option.aliases ?? [])].map(normalize)))
  return text
    .split(LIST_SEPARATORS)
    .flatMap((piece) => (named.has(normalize(piece)) ? [piece] : piece.split(JOINING_WORDS)))
    .flatMap((piece) => {
      // "3 1 2": numbers typed with spaces only
      const tokens = words(normalize(piece))
      return tokens.length > 1 && tokens.every((token) => /^\d+$/.test(token)) ? tokens : [piece]
    })
    .filter((piece) => normalize(piece) !== '')
}
