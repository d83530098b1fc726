import sharp from 'sharp'

/** The GPS position and phone a real phone photo carries in its EXIF block (Mixco, an Acme phone). */
const PHONE_EXIF = {
  IFD0: { Make: 'Acme', Model: 'Phone 9', Artist: 'Ana Pérez', Copyright: 'Ana Pérez' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '14/1 37/1 50/1', GPSLongitudeRef: 'W', GPSLongitude: '90/1 36/1 25/1' },
}
const OWNER_XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Ana Pérez</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'

/** A small JPEG as a phone takes it: with GPS, device and owner tags (EXIF and XMP). */
export async function phonePhoto(color = '#2a6'): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 12, channels: 3, background: color } })
    .jpeg()
    .withExif(PHONE_EXIF)
    .withXmp(OWNER_XMP)
    .toBuffer()
}

/** What of a photo's metadata a reader of the file would find. */
export async function metadataOf(bytes: Buffer) {
  const metadata = await sharp(bytes).metadata()
  const exif = metadata.exif?.toString('latin1') ?? ''
  return {
    format: metadata.format,
    exif: metadata.exif !== undefined,
    xmp: metadata.xmp !== undefined,
    iptc: metadata.iptc !== undefined,
    /** the phone's make, found in the EXIF bytes */
    device: exif.includes('Acme'),
  }
}
