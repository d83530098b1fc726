import type { EffectHandler } from '../bot/runtime.js'
import { contactSummary } from '../privacy/contact-summary.js'
import { forgetContact } from '../privacy/forget-contact.js'
import { releaseContact } from '../privacy/release-contact.js'

/**
 * The citizen's privacy commands: "borrar mis datos" deletes the contact (the runtime then keeps
 * nothing of the exchange), "mis datos" lists what is stored, "compartir mis datos CODE" lets the
 * unit of a confidential case see the contact.
 */
export const privacyEffectHandlers = {
  'contact.forget': async (tx, _effect, context) => forgetContact(tx, context.contactId, context.now),
  'contact.summary': (tx, _effect, context) => contactSummary(tx, context.contactId, context.locale),
  'contact.release': (tx, effect, context) =>
    releaseContact(tx, typeof effect.args.code === 'string' ? effect.args.code : '', context.contactId, context.now),
} satisfies Record<'contact.forget' | 'contact.summary' | 'contact.release', EffectHandler>
