import type { EngineContext, Json, Reply, Session } from './types.js'

/**
 * Answer variable holding the label a loosely matched answer was taken for ("medicamentso" ->
 * "Falta de medicamentos o insumos"). It never stays in the session: the step says it back at once.
 */
export const UNDERSTOOD_VAR = '_understood'

/** "Entendí: …" for a loosely matched answer, or nothing; the variable is removed either way. */
export function takeUnderstood(vars: Record<string, Json>, session: Session, ctx: EngineContext): Reply | undefined {
  const label = vars[UNDERSTOOD_VAR]
  if (Object.hasOwn(vars, UNDERSTOOD_VAR)) Reflect.deleteProperty(vars, UNDERSTOOD_VAR)
  return typeof label === 'string' ? { text: ctx.t(session.locale, 'engine.choice.understood', { label }) } : undefined
}
