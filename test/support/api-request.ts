import type { Hono } from 'hono'

/** Calls the admin API as a client would: bearer token (when given) and a JSON body. */
export async function apiRequest(app: Hono, method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  return app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}
