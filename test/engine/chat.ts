import { begin, newSession, step } from '../../src/bot/engine/index.js'
import type { EffectName, EngineContext, Input, Json, Reply, Session, StepResult } from '../../src/bot/engine/index.js'
import { testContext } from './context.js'

/** One contact talking to the engine: keeps the session between steps, as the runtime does. */
export type Chat = {
  readonly session: Session
  readonly ctx: EngineContext
  /** sends a message (a string is a text message) and returns what the engine answered */
  send(input: Input | string): StepResult
  /** feeds the result of the effect the engine asked for */
  feed(effect: EffectName, result: Json): StepResult
  /** the reply texts of a step */
  texts(result: StepResult): string[]
  /** a text as the citizen would read it in the session's current language */
  t(key: string, vars?: Record<string, Json>): string
}

/** Starts a chat with a new contact (or the given session), optionally already inside a flow. */
export function chat(options: { locale?: string; ctx?: EngineContext; session?: Session; flow?: string } = {}): Chat {
  const ctx = options.ctx ?? testContext()
  let session = options.session ?? newSession(options.locale ?? 'es')
  if (options.flow !== undefined) session = begin(session, options.flow, ctx).session
  const advance = (result: StepResult) => {
    session = result.session
    return result
  }
  return {
    get session() {
      return session
    },
    ctx,
    send: (input) => advance(step(session, typeof input === 'string' ? { kind: 'text', text: input } : input, ctx)),
    feed: (effect, result) => advance(step(session, { kind: 'effect.result', effect, result }, ctx)),
    texts: (result) => result.replies.map((reply: Reply) => reply.text),
    t: (key, vars) => ctx.t(session.locale, key, vars),
  }
}

/** What the runtime's case.create answers, with the fields the flow shows. */
export const createdCase = {
  code: 'GT-7K3P2',
  institution: 'Área de Salud Guatemala Nor Occidente',
  unit: 'Oficina de atención al usuario',
  dueDate: '2026-12-09',
  dueTime: '17:00',
  urgent: false,
} as const
