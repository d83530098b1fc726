import { locateMunicipality } from '../../geo/locate-municipality.js'
import type { MessageContent } from '../engine/types.js'

/**
 * Adds the INE municipality a shared location falls in, so the pure engine can place it without
 * the boundaries. Anything else, and a point outside Guatemala, passes through unchanged.
 */
export function enrichLocation(content: MessageContent): MessageContent {
  if (content.kind !== 'location' || content.municipalityCode !== undefined) return content
  const code = locateMunicipality(content.latitude, content.longitude)
  return code === null ? content : { ...content, municipalityCode: code }
}
