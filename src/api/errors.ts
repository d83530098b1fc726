import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { DomainError, ForbiddenError, NoRouteError, NotFoundError, ValidationError } from '../domain-errors.js'
import { problem } from '../http/problem.js'
import type { Logger } from '../log.js'

/**
 * The one place a thrown error becomes an HTTP answer: domain errors map to their status with
 * their message; anything else is a 500 whose details stay in the log.
 */
export function errorToResponse(error: Error, c: Context, logger: Logger): Response {
  if (error instanceof NotFoundError) return problem(c, 404, error.message)
  if (error instanceof ValidationError) return problem(c, 422, error.message)
  if (error instanceof ForbiddenError) return problem(c, 403, error.message)
  if (error instanceof NoRouteError) {
    logger.error({ sector: error.sector }, 'routing rules leave a sector without a catch-all')
    return problem(c, 500, error.message)
  }
  if (error instanceof DomainError) return problem(c, 409, error.message)
  if (error instanceof HTTPException) return error.getResponse()
  logger.error({ err: error, path: c.req.path }, 'request failed')
  return problem(c, 500, 'something went wrong on our side; it has been logged')
}
