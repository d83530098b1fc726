import type { EngineContext, Session } from './types.js'

/** Whether a conversation left mid-way has been quiet for longer than the context allows. */
export function isExpired(session: Session, ctx: EngineContext): boolean {
  if (session.flowId === null || session.lastActivityAt === null) return false
  const last = Date.parse(session.lastActivityAt)
  // an unreadable time is treated as fresh: better an old question than a lost complaint
  // a poll waits for its answer longer than a complaint does
  const ttlMinutes = ctx.flows[session.flowId]?.ttlMinutes ?? ctx.sessionTtlMinutes
  return Number.isFinite(last) && ctx.now.getTime() - last > ttlMinutes * 60_000
}

/** Tells the citizen their previous conversation expired, and where they were in it. */
export function expiryNotice(session: Session, ctx: EngineContext): string {
  const t = ctx.t
  const flow = session.flowId === null ? undefined : ctx.flows[session.flowId]
  if (!flow) return t(session.locale, 'engine.expired.plain')
  const title = t(session.locale, flow.title)
  const node = session.nodeId === null ? undefined : flow.nodes[session.nodeId]
  if (node?.kind !== 'ask') return t(session.locale, 'engine.expired.in', { flow: title })
  const question = t(session.locale, node.prompt, session.vars)
  return t(session.locale, 'engine.expired.at', { flow: title, question })
}
