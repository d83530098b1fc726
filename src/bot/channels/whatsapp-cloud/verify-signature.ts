import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Whether `header` (X-Hub-Signature-256: `sha256=<hex>`) is the HMAC-SHA256 of the exact raw
 * body with the app secret: anything else did not come from Meta. Compared in constant time.
 */
export function verifySignature(rawBody: string, header: string | undefined, appSecret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')
  if (!match?.[1]) return false
  const expected = createHmac('sha256', appSecret).update(rawBody, 'utf8').digest()
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'))
}

/** The header Meta would send for this body: for tests and for replaying a recorded payload. */
export function signBody(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`
}
