import type { EffectHandlers } from '../bot/runtime.js'
import { CaseDraftSchema, createCase, lookupCase } from '../cases/index.js'
import { pollEffectHandlers } from '../polls/poll-effects.js'
import { caseEffectHandlers } from './case-effect-handlers.js'
import { privacyEffectHandlers } from './privacy-effect-handlers.js'
import { allowLookup, lookupKeys } from '../privacy/lookup-limit.js'
import { officeEffectHandlers } from '../office/office-effect-handlers.js'

const DEFAULT_LOOKUPS_PER_HOUR = 10

export type EffectHandlerOptions = {
  /** OVERSIGHT_UNIT_CODE: where conflict-of-interest complaints go */
  oversightUnitCode?: string
  /** STATUS_LOOKUPS_PER_HOUR: guesses at tracking codes per conversation and per client address */
  lookupsPerHour?: number
  /** OFFICE_URL: the app's public address, for the back-office link a staff chat gets */
  officeUrl?: string
}

/**
 * What the conversation flows' effects do: the bridge from the engine's `case.create` and
 * `case.lookup` to the case services, handed to the runtime by main.ts.
 */
export function createEffectHandlers(options: EffectHandlerOptions = {}): EffectHandlers {
  return {
    ...caseEffectHandlers,
    ...privacyEffectHandlers(options.lookupsPerHour ?? DEFAULT_LOOKUPS_PER_HOUR),
    ...pollEffectHandlers(),
    ...officeEffectHandlers({ officeUrl: options.officeUrl }),
    'case.create': async (tx, effect, context) => {
      // the flow holds one attachment (or none); the draft takes a list
      const { evidence, conflictOfInterest, followUps, description, descriptionVoice, ...args } = effect.args
      const draft = CaseDraftSchema.parse({
        ...args,
        // a voice note answered the description question: it is the account, the words are empty
        description: typeof descriptionVoice === 'string' ? '' : description,
        descriptionVoice: typeof descriptionVoice === 'string' ? descriptionVoice : undefined,
        evidence: typeof evidence === 'string' ? [evidence] : [],
        // questions a flow did not ask arrive as null: the defaults hold
        conflictOfInterest: conflictOfInterest ?? undefined,
        followUps: followUps ?? undefined,
      })
      return createCase(tx, draft, {
        oversightUnitCode: options.oversightUnitCode,
        now: context.now,
        contactId: context.contactId,
        channel: context.channel,
        locale: context.locale,
      })
    },
    'case.lookup': async (tx, effect, context) => {
      // anyone may ask by code, so codes are guessed here: count every try
      if (!(await allowLookup(tx, lookupKeys(context), context.now, options.lookupsPerHour ?? DEFAULT_LOOKUPS_PER_HOUR))) {
        return { found: false, limited: true }
      }
      const code = typeof effect.args.code === 'string' ? effect.args.code : ''
      return lookupCase(tx, code)
    },
  }
}
