import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** An RFC 9457 problem document. */
export type Problem = { type: string; title: string; status: number; detail?: string; errors?: unknown }

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
}

/** Answers with `application/problem+json`: the one error format of every HTTP route. */
export function problem(c: Context, status: ContentfulStatusCode, detail?: string, errors?: unknown): Response {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status }
  if (detail !== undefined) body.detail = detail
  if (errors !== undefined) body.errors = errors
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' })
}
