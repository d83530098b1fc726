import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { type XmlValue, toXml } from './xml.js'

export type Open311Format = 'json' | 'xml'

/** Splits `services.json` into the resource name and its format; null for another extension. */
export function splitFormat(file: string): { name: string; format: Open311Format } | null {
  const match = /^(.+)\.(json|xml)$/.exec(file)
  if (!match?.[1] || (match[2] !== 'json' && match[2] !== 'xml')) return null
  return { name: match[1], format: match[2] }
}

/** Answers in the format the path's extension asked for; `root` names the XML root element. */
export function respond(c: Context, format: Open311Format, root: string, value: XmlValue, status: ContentfulStatusCode = 200): Response {
  if (format === 'xml') return c.body(toXml(root, value), status, { 'content-type': 'text/xml; charset=utf-8' })
  return c.body(JSON.stringify(value), status, { 'content-type': 'application/json; charset=utf-8' })
}

/** A GeoReport error document: a list of `{ code, description }`, in JSON or XML. */
export function open311Error(c: Context, format: Open311Format, status: 400 | 403 | 404 | 413 | 500, description: string): Response {
  return respond(c, format, 'errors', [{ code: status, description }], status)
}
