import { forgetOffered, forgetPicked } from './answer.js'
import { questionReply, type AskNode } from './question.js'
import type { Effect, EngineContext, Flow, FlowNode, Json, Reply, Session } from './types.js'
import { conditionScope, holds, readVar } from './vars.js'

/** A step in the making: the session as it changes, and what to say and do. */
export type Turn = { session: Session; replies: Reply[]; effects: Effect[] }

/** more nodes than this without waiting for anyone is a loop in a flow, not a conversation */
export const MAX_NODES_PER_STEP = 100

/** Starts a flow at its start node with fresh variables (plus `vars`) and runs until it waits. */
export function startFlow(turn: Turn, flowId: string, ctx: EngineContext, vars: Record<string, Json> = {}): void {
  enter(turn.session, `@${flowId}`, ctx)
  Object.assign(turn.session.vars, vars)
  run(turn, ctx)
}

/** Moves to `next` (a node of this flow, or `@flow`) and runs until the flow waits or ends. */
export function continueAt(turn: Turn, next: string, ctx: EngineContext): void {
  enter(turn.session, next, ctx)
  run(turn, ctx)
}

/** Leaves any flow: nothing pending, and no half-told complaint left in the variables. */
export function goIdle(session: Session): void {
  session.flowId = null
  session.nodeId = null
  session.waiting = 'none'
  session.vars = {}
  session.retries = 0
}

/** The flow with this id; a missing one is a wiring mistake, so it throws. */
export function flowById(ctx: EngineContext, id: string): Flow {
  const flow = ctx.flows[id]
  if (!flow) throw new Error(`flow "${id}" is not among the flows the engine was given`)
  return flow
}

/** The node the session stands at, if its flow and node still exist (flows change between deploys). */
export function currentNode(session: Session, ctx: EngineContext): FlowNode | undefined {
  if (session.flowId === null || session.nodeId === null) return undefined
  return ctx.flows[session.flowId]?.nodes[session.nodeId]
}

/** The question the session waits on, if it waits on one. */
export function currentQuestion(session: Session, ctx: EngineContext): AskNode | undefined {
  const node = currentNode(session, ctx)
  return session.waiting === 'input' && node?.kind === 'ask' ? node : undefined
}

function enter(session: Session, target: string, ctx: EngineContext): void {
  if (target.startsWith('@')) {
    const flow = flowById(ctx, target.slice(1))
    session.flowId = flow.id
    session.nodeId = flow.start
    session.vars = {}
  } else {
    session.nodeId = target
  }
  session.waiting = 'none'
  session.retries = 0
}

function run(turn: Turn, ctx: EngineContext): void {
  const { session } = turn
  for (let visited = 0; visited < MAX_NODES_PER_STEP; visited++) {
    const node = currentNode(session, ctx)
    if (!node) throw new Error(`node "${session.nodeId}" does not exist in flow "${session.flowId}"`)
    switch (node.kind) {
      case 'say':
        turn.replies.push({ text: ctx.t(session.locale, node.text, session.vars), ...promptOf(node.text, session) })
        enter(session, node.next, ctx)
        break
      case 'ask':
        forgetOffered(session.vars)
        forgetPicked(session.vars)
        session.waiting = 'input'
        turn.replies.push(questionReply(node, session, ctx))
        return
      case 'branch':
        enter(session, node.cases.find((c) => holds(c.when, conditionScope(session.vars, ctx.facts)))?.next ?? node.default, ctx)
        break
      case 'effect':
        turn.effects.push(effectOf(node, session.vars))
        session.waiting = 'effect'
        return
      case 'setLocale': {
        const locale = readVar(session.vars, node.var)
        if (typeof locale === 'string' && ctx.locales.includes(locale)) session.locale = locale
        enter(session, node.next, ctx)
        break
      }
      case 'enter': {
        const target = readVar(session.vars, node.flowVar)
        if (typeof target === 'string' && Object.hasOwn(ctx.flows, target)) {
          const vars = Object.fromEntries(Object.entries(node.vars).map(([name, path]) => [name, readVar(session.vars, path) ?? null]))
          startFlow(turn, target, ctx, vars)
          return
        }
        enter(session, node.otherwise, ctx)
        break
      }
      case 'end':
        if (node.text !== undefined) turn.replies.push({ text: ctx.t(session.locale, node.text, session.vars), ...promptOf(node.text, session) })
        markEnd(turn.replies)
        goIdle(session)
        return
    }
  }
  throw new Error(`flow "${session.flowId}" ran ${MAX_NODES_PER_STEP} nodes without waiting: a loop without a question?`)
}

/** The message key a said text comes from, for its recording; none when the text is no key ("{{r.code}}"). */
function promptOf(key: string, session: Session): Pick<Reply, 'prompt'> {
  return /^[\w-]+(\.[\w-]+)+$/.test(key) ? { prompt: { key, locale: session.locale } } : {}
}

/** Marks the last message of a flow that just ended, if the step said anything. */
function markEnd(replies: Reply[]): void {
  const last = replies.at(-1)
  if (last) last.ends = true
}

/** Builds the effect's arguments from session variables; an unset one is sent as null. */
function effectOf(node: Extract<FlowNode, { kind: 'effect' }>, vars: Record<string, Json>): Effect {
  const args = Object.fromEntries(Object.entries(node.args).map(([name, path]) => [name, readVar(vars, path) ?? null]))
  return { type: node.effect, args }
}
