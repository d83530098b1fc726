import { secureHeaders } from 'hono/secure-headers'

/**
 * Headers on every page and answer. The pages load their scripts and styles from this app only
 * and have no inline code, so `default-src 'self'` holds; no other site may frame them (a kiosk
 * page inside someone else's frame could be read or clicked through); no page address, which may
 * carry a case code, leaks in a Referer; and nothing is sniffed into another type.
 */
export function securityHeaders() {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
  })
}
