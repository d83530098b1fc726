/**
 * Errors a service raises for something the caller got wrong or asked for in vain. The admin API
 * turns them into problem+json in one place; anything else that is thrown is a bug (500).
 */
export class DomainError extends Error {
  override name = 'DomainError'
}

/** The thing asked for does not exist (HTTP 404). */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError'
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`)
  }
}

/** The input is well-formed but does not make sense (HTTP 422): a municipality outside its department. */
export class ValidationError extends DomainError {
  override name = 'ValidationError'
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/**
 * No routing rule matched a case. The seed gives every sector a catch-all rule, so this means the
 * rules were edited badly; the case is not stored, so the citizen can try again once fixed.
 */
export class NoRouteError extends DomainError {
  override name = 'NoRouteError'
  constructor(readonly sector: string) {
    super(`no routing rule matches this ${sector} case: every sector needs a catch-all rule`)
  }
}

/** A case cannot go from its status to the one asked for (HTTP 409); the message lists what it can do. */
export class InvalidTransitionError extends DomainError {
  override name = 'InvalidTransitionError'
  constructor(
    readonly from: string,
    readonly to: string,
    readonly allowed: readonly string[],
  ) {
    super(
      `a case that is ${from} cannot become ${to}; ` +
        (allowed.length > 0 ? `from ${from} it can become: ${allowed.join(', ')}` : `nothing follows ${from}`),
    )
  }
}

/** The caller is known but may not do this (HTTP 403): another unit's case, a contact not shared. */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError'
}
