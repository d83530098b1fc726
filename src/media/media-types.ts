import type { MediaKind } from '../bot/engine/types.js'

/**
 * The files kept as evidence, by MIME type prefix or exact type: photos, recordings, videos and
 * the office documents people photograph or scan. Anything a browser could run (HTML, SVG,
 * scripts) or a computer could execute is refused, so an office opening the download is safe.
 */
const ALLOWED: Record<MediaKind, readonly string[]> = {
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif'],
  audio: ['audio/'],
  voice: ['audio/'],
  video: ['video/'],
  document: [
    'application/pdf',
    'text/plain',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    // a photo sent "as a file" arrives as a document; it is cleaned like any photo
    'image/jpeg',
    'image/png',
    'image/webp',
    // voice notes and clips forwarded as files
    'audio/',
    'video/',
  ],
}

/** The MIME type without parameters, lower case: `audio/ogg; codecs=opus` is `audio/ogg`. */
export function baseMimeType(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase()
}

/** Whether a file of this kind and MIME type may be kept. */
export function isAllowedMedia(kind: MediaKind, mimeType: string): boolean {
  const type = baseMimeType(mimeType)
  return ALLOWED[kind].some((allowed) => (allowed.endsWith('/') ? type.startsWith(allowed) && type.length > allowed.length : type === allowed))
}
