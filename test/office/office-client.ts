import type { Hono } from 'hono'

/**
 * A browser without JavaScript against the app: keeps cookies (as Set-Cookie says, path ignored:
 * every office path shares them), posts forms as application/x-www-form-urlencoded, never follows
 * redirects by itself.
 */
export function officeClient(app: Hono, base = 'http://localhost') {
  const jar = new Map<string, string>()
  const lastSetCookies: string[] = []
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await app.request(`${base}${path}`, { ...init, headers })
    lastSetCookies.length = 0
    for (const line of response.headers.getSetCookie()) {
      lastSetCookies.push(line)
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at)
      const value = pair.slice(at + 1)
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name)
      else jar.set(name, value)
    }
    return response
  }
  return {
    get: (path: string, headers: Record<string, string> = {}) => request(path, { headers }),
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      request(path, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }),
    cookie: (name: string) => jar.get(name),
    setCookie: (name: string, value: string) => jar.set(name, value),
    dropCookie: (name: string) => jar.delete(name),
    /** the Set-Cookie lines of the last answer */
    setCookies: () => [...lastSetCookies],
  }
}

export type OfficeClient = ReturnType<typeof officeClient>

/** The value of a form's hidden field on a page (the first one of that name). */
export function hiddenField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page)
  if (!match?.[1]) throw new Error(`no ${name} field on the page`)
  return match[1]
}

/** Signs in through the sign-in page with a code or a token; returns the final answer of the POST. */
export async function signIn(client: OfficeClient, field: 'code' | 'token', value: string): Promise<Response> {
  const page = await (await client.get('/oficina/entrar')).text()
  return client.post('/oficina/entrar', { _form: hiddenField(page, '_form'), [field]: value })
}
