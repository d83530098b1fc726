import type { Json } from '../bot/engine/types.js'
import type { EffectHandler } from '../bot/runtime.js'
import { subscribedUnitIds } from '../staff/subscriptions.js'
import { auditStaffAction } from '../staff/staff-audit.js'
import { SIGN_IN_CODE_MINUTES, createSignInCode } from './sign-in-codes.js'

export type OfficeEffectOptions = {
  /** OFFICE_URL: the app's public address; without it the chat gets the code and the path to type */
  officeUrl?: string
}

/**
 * `office.signIn`: a one-time code for the back office, only for a chat linked to a unit. The link
 * carries the code, but opening it spends nothing: the code is spent by the page's button, so a
 * messaging app's link preview cannot use it up.
 */
export function officeEffectHandlers(options: OfficeEffectOptions = {}): Record<'office.signIn', EffectHandler> {
  const base = options.officeUrl?.replace(/\/+$/, '')
  return {
    'office.signIn': async (tx, _effect, context): Promise<Json> => {
      if ((await subscribedUnitIds(tx, context.contactId)).length === 0) return { outcome: 'notStaff' }
      const { code } = await createSignInCode(tx, { contactId: context.contactId, now: context.now })
      // the code stays out of the audit log: it is a secret until used
      await auditStaffAction(tx, { contactId: context.contactId, action: 'create', entity: 'office-sign-in-code', entityId: context.contactId, at: context.now })
      const link = base ? `${base}/oficina/entrar?codigo=${code}` : '/oficina'
      return { outcome: 'ok', code, link, minutes: SIGN_IN_CODE_MINUTES }
    },
  }
}
