import type { EffectHandlers } from '../bot/runtime.js'
import { CaseDraftSchema, createCase, lookupCase } from '../cases/index.js'

/**
 * What the conversation flows' effects do: the bridge from the engine's `case.create` and
 * `case.lookup` to the case services, handed to the runtime by main.ts.
 */
export function createEffectHandlers(): EffectHandlers {
  return {
    'case.create': async (tx, effect, context) => {
      const draft = CaseDraftSchema.parse(effect.args)
      return createCase(tx, draft, {
        now: context.now,
        contactId: context.contactId,
        channel: context.channel,
        locale: context.locale,
      })
    },
    'case.lookup': async (tx, effect) => {
      const code = typeof effect.args.code === 'string' ? effect.args.code : ''
      return lookupCase(tx, code)
    },
  }
}
