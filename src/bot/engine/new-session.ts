import type { Session } from './types.js'

/** A contact's first session: idle, in their language, nothing said yet. */
export function newSession(locale: string): Session {
  return { flowId: null, nodeId: null, waiting: 'none', vars: {}, locale, lastActivityAt: null, retries: 0 }
}
