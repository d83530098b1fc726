import type { EffectHandler } from '../bot/runtime.js'
import { contactSummary } from '../privacy/contact-summary.js'
import { forgetContact } from '../privacy/forget-contact.js'
import { allowLookup, lookupKeys } from '../privacy/lookup-limit.js'
import { releaseContact } from '../privacy/release-contact.js'

/**
 * The citizen's privacy commands: "borrar mis datos" deletes the contact (the runtime then keeps
 * nothing of the exchange), "mis datos" lists what is stored, "compartir mis datos CODE" lets the
 * unit of a confidential case see the contact.
 */
export function privacyEffectHandlers(lookupsPerHour: number) {
  return {
    'contact.forget': async (tx, _effect, context) => forgetContact(tx, context.contactId, context.now),
    // on a shared screen the list would show the previous person's cases to the next one
    'contact.summary': (tx, _effect, context) =>
      context.sharedScreen === true ? Promise.resolve({ sharedScreen: true }) : contactSummary(tx, context.contactId, context.locale),
    'contact.release': async (tx, effect, context) => {
      const code = typeof effect.args.code === 'string' ? effect.args.code : ''
      // "notConfidential" tells that a code exists: count it as a guess, as a status lookup is
      if (!(await allowLookup(tx, lookupKeys(context), context.now, lookupsPerHour))) return { outcome: 'limited', code }
      return releaseContact(tx, code, context.contactId, context.now)
    },
  } satisfies Record<'contact.forget' | 'contact.summary' | 'contact.release', EffectHandler>
}
