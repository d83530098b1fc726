import { loadSharp } from './load-sharp.js'
import { stripImageMetadata } from './strip-metadata.js'

/**
 * The bytes to serve for a stored file. Files kept since the intake strips photos are served as
 * stored, so they match their SHA-256; a photo kept before that, still carrying EXIF, XMP or IPTC,
 * is cleaned on the way out. Bytes that are not a readable image are served as a plain download.
 */
export async function cleanServedImage(bytes: Buffer, mimeType: string): Promise<{ bytes: Buffer; mimeType: string }> {
  if (!mimeType.startsWith('image/')) return { bytes, mimeType }
  const sharp = await loadSharp()
  let tagged: boolean
  try {
    const metadata = await sharp(bytes).metadata()
    tagged = metadata.exif !== undefined || metadata.xmp !== undefined || metadata.iptc !== undefined
  } catch {
    return { bytes, mimeType: 'application/octet-stream' }
  }
  if (!tagged) return { bytes, mimeType }
  try {
    return (await stripImageMetadata(bytes)) ?? { bytes, mimeType: 'application/octet-stream' }
  } catch {
    // an image we cannot re-encode but that carries metadata is not handed out with it
    throw new Error('a stored image carries metadata and cannot be re-encoded')
  }
}
