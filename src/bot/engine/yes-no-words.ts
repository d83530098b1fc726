import { normalize } from './normalize.js'
import type { EngineContext } from './types.js'

/** Extra ways to say yes and no, as the locale files list them ("simón", "nel"), normalised. */
export type YesNoWords = { yes: ReadonlySet<string>; no: ReadonlySet<string> }

/**
 * Every configured language's words, whatever the conversation's language: a Guatemalan who
 * switched to English still answers "simón". The locale lists them comma-separated.
 */
export function yesNoWords(ctx: EngineContext): YesNoWords {
  const list = (key: string) =>
    ctx.locales.flatMap((locale) => {
      const text = ctx.t(locale, key)
      // a missing key comes back as the key itself: no words then
      return text === key ? [] : text.split(',').map(normalize).filter((word) => word !== '')
    })
  return { yes: new Set(list('engine.yesWords')), no: new Set(list('engine.noWords')) }
}
