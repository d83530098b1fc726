import { loadSharp } from './load-sharp.js'

/** Image formats we can re-encode, with the MIME type each is stored under. */
const REENCODED = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
} as const satisfies Record<string, string>

type Reencoded = keyof typeof REENCODED

/** The bytes are an image, but not one we can re-encode (HEIC without its codec, SVG ...). */
export class UnreadableImageError extends Error {}

function isReencoded(format: string | undefined): format is Reencoded {
  return format !== undefined && Object.hasOwn(REENCODED, format)
}

/**
 * Re-encodes an image without its EXIF, XMP and IPTC blocks (GPS position, phone model, owner
 * name): a citizen who asked to be anonymous could otherwise be named by their photo. Anything
 * the bytes say they are is checked by decoding, not by the MIME type the platform reported, so
 * a photo sent "as a file" is cleaned too. Answers null for bytes that are not an image.
 */
export async function stripImageMetadata(bytes: Buffer): Promise<{ bytes: Buffer; mimeType: string } | null> {
  const sharp = await loadSharp()
  let format: string | undefined
  try {
    format = (await sharp(bytes).metadata()).format
  } catch {
    return null
  }
  if (!isReencoded(format)) throw new UnreadableImageError(`cannot re-encode ${format ?? 'this'} image`)
  // autoOrient turns the pixels as the EXIF orientation said, since that tag goes with the rest;
  // sharp writes no metadata unless asked (keepMetadata, withExif), so the output carries none.
  const image = sharp(bytes, { animated: format === 'gif' || format === 'webp' }).autoOrient()
  const cleaned = await image.toFormat(format).toBuffer()
  return { bytes: cleaned, mimeType: REENCODED[format] }
}
