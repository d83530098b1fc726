import type { EngineContext, Translate } from './types.js'

/**
 * Texts that start with this are shown as written, without translation or interpolation: a flow
 * built from data (a poll's questions, already in the contact's language) has no i18n keys, and an
 * admin's `{{` or `$t(` must reach the citizen as typed.
 */
export const LITERAL_PREFIX = '='

/** Marks a text to be shown as written. */
export function literal(text: string): string {
  return `${LITERAL_PREFIX}${text}`
}

/** The context with a translate that passes literal texts through untouched. */
export function withLiteralTexts(ctx: EngineContext): EngineContext {
  const t = literalAware(ctx.t)
  return t === ctx.t ? ctx : { ...ctx, t }
}

/**
 * One wrapper per translate function, made once: a context is built for every message, its
 * translate is the same each time.
 */
const wrapped = new WeakMap<Translate, Translate>()
const wrappers = new WeakSet<Translate>()

/** the last translate wrapped, and its wrapper: a process has one translate, so the maps are rarely asked */
let last: { translate: Translate; t: Translate } | undefined

function literalAware(translate: Translate): Translate {
  if (last?.translate === translate) return last.t
  if (wrappers.has(translate)) return translate
  let t = wrapped.get(translate)
  if (t === undefined) {
    t = (locale, key, vars) => (key.startsWith(LITERAL_PREFIX) ? key.slice(LITERAL_PREFIX.length) : translate(locale, key, vars))
    wrapped.set(translate, t)
    wrappers.add(t)
  }
  last = { translate, t }
  return t
}
