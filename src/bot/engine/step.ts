import { copySession } from './copy-session.js'
import { forgetOffered, forgetPicked, OFFERED_VAR } from './answer.js'
import { expiryNotice, isExpired } from './expiry.js'
import { parseGlobalCommand, runGlobalCommand } from './global-commands.js'
import { withLiteralTexts } from './literal-text.js'
import { readAnswer, unsupportedKey } from './read-answer.js'
import { takeUnderstood } from './understood.js'
import { questionReply } from './question.js'
import { continueAt, currentNode, currentQuestion, goIdle, startFlow, type Turn } from './run.js'
import type { EffectResult, EngineContext, Input, Json, MessageContent, Session, StepResult } from './types.js'

/** every this many unusable answers in a row, remind the citizen of the way out */
const RETRY_HINT_EVERY = 3

/**
 * Advances one contact's conversation by one input: returns the new session (the one given is not
 * changed), the replies to send and at most one effect for the runtime to perform and feed back.
 */
export function step(session: Session, input: Input, context: EngineContext): StepResult {
  const ctx = withLiteralTexts(context)
  const turn: Turn = { session: copySession(session), replies: [], effects: [] }
  if (input.kind === 'effect.result') resume(turn, input, ctx)
  else answer(turn, input, ctx)
  return turn
}

/**
 * What the citizen is told when an effect their answer asked for failed (the database, a routing
 * rule): nothing of that answer was kept, so they stay where they were — the same question asked
 * again, or idle — and are asked kindly to send it again. `session` is the state before the answer.
 */
export function recover(session: Session, context: EngineContext): StepResult {
  const ctx = withLiteralTexts(context)
  const turn: Turn = { session: copySession(session), replies: [], effects: [] }
  turn.replies.push({ text: ctx.t(session.locale, 'engine.effectFailed') })
  const question = session.waiting === 'input' ? currentQuestion(session, ctx) : undefined
  if (question) turn.replies.push(questionReply(question, turn.session, ctx))
  else goIdle(turn.session)
  return turn
}

/** Starts a flow for a contact without waiting for them to write (a poll, a follow-up question). */
export function begin(session: Session, flowId: string, context: EngineContext, vars: Record<string, Json> = {}): StepResult {
  const ctx = withLiteralTexts(context)
  const turn: Turn = { session: copySession(session), replies: [], effects: [] }
  // the question we open now expires like any other if it goes unanswered
  turn.session.lastActivityAt = ctx.now.toISOString()
  startFlow(turn, flowId, ctx, vars)
  return turn
}

function resume(turn: Turn, input: EffectResult, ctx: EngineContext): void {
  const { session } = turn
  const node = currentNode(session, ctx)
  if (session.waiting !== 'effect' || node?.kind !== 'effect' || node.effect !== input.effect) {
    throw new Error(
      `got a ${input.effect} result while the session waits for ${session.waiting} at ${session.flowId}/${session.nodeId}`,
    )
  }
  // lastActivityAt stays: the citizen did nothing, and expiry counts their silence
  session.vars[node.resultVar] = input.result
  continueAt(turn, node.next, ctx)
}

function answer(turn: Turn, input: MessageContent, ctx: EngineContext): void {
  const { session } = turn
  const command = input.kind === 'text' ? parseGlobalCommand(input.text, ctx.vocabulary) : null
  const expired = isExpired(session, ctx)
  session.lastActivityAt = ctx.now.toISOString()

  if (expired) {
    turn.replies.push({ text: expiryNotice(session, ctx) })
    goIdle(session)
    // the message is spent on the notice, unless it was a command, which still counts
    return command ? runGlobalCommand(turn, command, ctx) : startFlow(turn, ctx.vocabulary.menuFlow, ctx)
  }
  if (session.waiting === 'effect') {
    throw new Error(`a message arrived while ${session.flowId}/${session.nodeId} waits for an effect result`)
  }
  if (command) return runGlobalCommand(turn, command, ctx)

  const question = currentQuestion(session, ctx)
  if (!question) return greet(turn, input, ctx)

  const result = readAnswer(question, input, session, ctx)
  if (result.ok) {
    session.vars[question.var] = result.value
    Object.assign(session.vars, result.extra)
    // a loosely read answer is said back before the next question ("Entendí: …")
    const understood = takeUnderstood(session.vars, session, ctx)
    if (understood) turn.replies.push(understood)
    forgetOffered(session.vars)
    forgetPicked(session.vars)
    return continueAt(turn, question.next, ctx)
  }
  if (result.keep) {
    // a button added to a list answer: progress, not a mistake
    Object.assign(session.vars, result.keep)
    forgetOffered(session.vars)
    turn.replies.push(...result.replies)
    return
  }
  session.retries += 1
  if (result.offered) session.vars[OFFERED_VAR] = result.offered
  else forgetOffered(session.vars)
  turn.replies.push(...result.replies)
  if (session.retries % RETRY_HINT_EVERY === 0) {
    // before the last reply, so the question and its buttons stay at the bottom of the chat
    turn.replies.splice(turn.replies.length - 1, 0, { text: ctx.t(session.locale, 'engine.retryHint') })
  }
}

/** An idle contact's message is a greeting: it opens the menu. */
function greet(turn: Turn, input: MessageContent, ctx: EngineContext): void {
  const { session } = turn
  // a flow or node that no longer exists (flows changed since this session was saved): start over kindly
  if (session.flowId !== null) turn.replies.push({ text: ctx.t(session.locale, 'engine.restarted') })
  if (input.kind === 'unsupported') turn.replies.push({ text: ctx.t(session.locale, unsupportedKey(input.what)) })
  goIdle(session)
  startFlow(turn, ctx.vocabulary.menuFlow, ctx)
}
