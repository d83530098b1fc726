import type { TokenOwner } from '../auth/tokens.js'
import type { DirectoryScope } from '../directory/scope.js'

/** The part of the directory a token may read: all of it, except for an institution token. */
export function scopeOf(actor: TokenOwner): DirectoryScope {
  return actor.role === 'institution' ? { unitIds: actor.unitIds } : {}
}

/** The poll groups a token may run polls for: every group (undefined), except for a facilitator token. */
export function pollScopeOf(actor: TokenOwner): { groupIds?: readonly string[] } {
  return actor.role === 'facilitator' ? { groupIds: actor.groupIds } : {}
}
