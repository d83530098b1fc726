import { accepted, pending, PICKED_VAR, refused, type Answer } from './answer.js'
import { sourceOptions, toChoices, type SourceOption } from './choice-options.js'
import { matchChoice } from './match-choice.js'
import { normalize, words } from './normalize.js'
import type { AskNode } from './question.js'
import type { Choice, EngineContext, InputSpec, Json, MessageContent, Reply, Session } from './types.js'

/** A question answered with several options: pick some (`multi`) or put them in order (`ranking`). */
export type ListSpec = Extract<InputSpec, { type: 'multi' | 'ranking' }>

/** Ids of the two buttons a list question adds to its options; no option id starts with a colon. */
export const DONE_CHOICE = ':done'
export const UNDO_CHOICE = ':undo'

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

/** The options pressed so far on this question, in the order pressed (unknown ids dropped). */
function pickedSoFar(session: Session, options: readonly SourceOption[]): SourceOption[] {
  const ids = session.vars[PICKED_VAR]
  if (!Array.isArray(ids)) return []
  return ids.flatMap((id) => options.filter((option) => option.id === id))
}

/**
 * Renders a list question as it stands: the prompt and the hint, then what was pressed so far. A
 * multiple choice shows every option (the chosen ones ticked, a press takes one off again) and
 * "Listo"; a ranking shows the options not yet placed and, once one is, "Deshacer".
 */
export function listQuestionReply(node: AskNode, spec: ListSpec, session: Session, ctx: EngineContext): Reply {
  const options = sourceOptions(spec.source, session, ctx).primary
  if (options.length === 0) throw new Error(`question ${node.var} (${node.prompt}) has no options to offer`)
  const t = (key: string, vars?: Record<string, Json>) => ctx.t(session.locale, key, vars)
  const hint = listHint(spec, options.length)
  const picked = pickedSoFar(session, options)
  const lines = [t(node.prompt, session.vars), t(hint.key, hint.vars)]
  let choices: Choice[]
  if (spec.type === 'multi') {
    if (picked.length > 0) lines.push(t('engine.list.chosen', { options: picked.map((o) => o.label).join(', ') }))
    choices = [
      ...options.map((option) => ({ id: option.id, label: picked.includes(option) ? `✅ ${option.label}` : option.label })),
      { id: DONE_CHOICE, label: t('engine.list.done') },
    ]
  } else {
    if (picked.length > 0) lines.push(t('engine.list.order', { order: picked.map((o, i) => `${i + 1}. ${o.label}`).join(', ') }))
    choices = [...toChoices(options.filter((option) => !picked.includes(option))), ...(picked.length > 0 ? [{ id: UNDO_CHOICE, label: t('engine.list.undo') }] : [])]
  }
  return { text: lines.join('\n'), choices, expects: 'choice' }
}

/**
 * Reads a list answer. Typed: "1, 3", "3 1 2", "agua y luz", the whole answer at once. Pressed:
 * one option at a time, kept between messages; a multiple choice toggles the option and ends with
 * "Listo" (or at once when only one may be chosen), a ranking takes presses in order of
 * preference, "Deshacer" takes the last back, and it ends when the order is complete. A ranking
 * that names all options but one gets the last one put at the end.
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

  if (input.kind === 'choice') return readPress(node, spec, input.id, options, session, ctx, problem)
  if (isDoneWord(input.text, ctx) && pickedSoFar(session, options).length > 0) {
    return readPress(node, spec, DONE_CHOICE, options, session, ctx, problem)
  }

  const pieces = listPieces(input.text, options)
  if (pieces.length === 0) return problem('engine.list.empty')
  const picked: SourceOption[] = []
  for (const piece of pieces) {
    const match = matchChoice(piece, options)
    const option = match.kind === 'match' ? options.find((candidate) => candidate.id === match.id) : undefined
    if (!option) return problem('engine.list.notFound', { answer: piece.trim().slice(0, 60) })
    picked.push(option)
  }
  return complete(spec, node.var, picked, options, problem) ?? problem(incompleteKey(spec, options).key, incompleteKey(spec, options).vars)
}

type Problem = (key: string, vars?: Record<string, Json>) => Answer

function readPress(node: AskNode, spec: ListSpec, id: string, options: readonly SourceOption[], session: Session, ctx: EngineContext, problem: Problem): Answer {
  const sofar = pickedSoFar(session, options)
  const keep = (picked: readonly SourceOption[]): Answer => {
    const next = { ...session, vars: { ...session.vars, [PICKED_VAR]: picked.map((o) => o.id) } }
    return pending([listQuestionReply(node, spec, next, ctx)], { [PICKED_VAR]: picked.map((o) => o.id) })
  }
  if (id === DONE_CHOICE) {
    if (sofar.length === 0) return problem('engine.list.empty')
    return complete(spec, node.var, sofar, options, problem) ?? problem(incompleteKey(spec, options).key, incompleteKey(spec, options).vars)
  }
  if (id === UNDO_CHOICE) return keep(sofar.slice(0, -1))
  const option = options.find((candidate) => candidate.id === id)
  if (!option) return problem('engine.choice.staleButton')

  if (spec.type === 'multi') {
    if (spec.max === 1) return pickedAnswer(node.var, [option])
    if (sofar.includes(option)) return keep(sofar.filter((o) => o !== option))
    // an exclusive option ("Ninguno") replaces the others, and another replaces it
    const toggled = option.exclusive === true ? [option] : [...sofar.filter((o) => o.exclusive !== true), option]
    if (toggled.length > spec.max) return problem('engine.list.tooMany', { max: spec.max })
    return keep(toggled)
  }
  if (sofar.includes(option)) return problem('engine.list.repeated')
  const order = [...sofar, option]
  return complete(spec, node.var, order, options, () => keep(order)) ?? keep(order)
}

/** The stored answer when `picked` is a whole answer; a problem when it breaks a rule; undefined when incomplete. */
function complete(spec: ListSpec, variable: string, picked: readonly SourceOption[], options: readonly SourceOption[], problem: Problem): Answer | undefined {
  if (spec.type === 'multi') {
    const unique = picked.filter((option, i) => picked.indexOf(option) === i)
    if (unique.length > spec.max) return problem('engine.list.tooMany', { max: spec.max })
    const alone = unique.find((option) => option.exclusive === true)
    if (alone && unique.length > 1) return problem('engine.list.exclusive', { option: alone.label })
    return pickedAnswer(variable, unique)
  }
  if (new Set(picked).size !== picked.length) return problem('engine.list.repeated')
  const wanted = spec.top !== undefined ? Math.min(spec.top, options.length) : options.length
  const order = [...picked]
  // everything but the last: the one left over can only be last
  if (spec.top === undefined && order.length === options.length - 1) order.push(...options.filter((option) => !order.includes(option)))
  return order.length === wanted ? pickedAnswer(variable, order) : undefined
}

function incompleteKey(spec: ListSpec, options: readonly SourceOption[]): { key: string; vars: Record<string, Json> } {
  const wanted = spec.type === 'ranking' && spec.top !== undefined ? Math.min(spec.top, options.length) : options.length
  return wanted === options.length ? { key: 'engine.list.rankAll', vars: { n: wanted } } : { key: 'engine.list.rankTop', vars: { top: wanted } }
}

/** "listo", "done", or the Listo button's label typed, in any offered language. */
function isDoneWord(text: string, ctx: EngineContext): boolean {
  return ctx.vocabulary.done.words.has(normalize(text))
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
