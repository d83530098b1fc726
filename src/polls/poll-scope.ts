import { ForbiddenError, NotFoundError } from '../domain-errors.js'
import type { Audience } from './poll-definition.js'
import type { Poll } from './poll-store.js'

/** The groups a caller may run polls for; `groupIds` unset means every group and municipality (an admin). */
export type PollScope = { groupIds?: readonly string[] }

/**
 * Whether an audience lies inside a scope: for a facilitator, only its own groups, and no
 * municipality's subscribers (they belong to no mesa, so to no facilitator).
 */
export function audienceInScope(audience: Audience, scope: PollScope): boolean {
  if (scope.groupIds === undefined) return true
  const own = new Set(scope.groupIds)
  return audience.municipalities.length === 0 && audience.groups.length > 0 && audience.groups.every((id) => own.has(id))
}

/** Refuses (403) to store a poll whose audience reaches past the caller's groups. */
export function requireAudienceInScope(audience: Audience, scope: PollScope): void {
  if (!audienceInScope(audience, scope)) throw new ForbiddenError('a facilitator token may ask only the members of its own groups')
}

/** The poll, when the caller may see it; another mesa's poll does not exist for them (404). */
export function pollInScope(poll: Poll, scope: PollScope): Poll {
  if (!audienceInScope(poll.definition.audience, scope)) throw new NotFoundError('poll', poll.id)
  return poll
}
