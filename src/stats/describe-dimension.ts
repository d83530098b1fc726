import { NO_UNIT } from './sync-case-stats.js'
import type { ReferenceNames } from './reference-names.js'
import type { Dimension } from './stats-query.js'

/** A grouping value as published: the code, and a name where the code alone says little. */
export type DimensionValue = { code: string; name?: string }

/**
 * Turns a stored value (an id for units and institutions, a code otherwise) into the code and name
 * a reader sees. Ids never leave the API: units and institutions are known by their codes.
 */
export function describeDimension(dimension: Dimension, stored: string, names: ReferenceNames, lang: string): DimensionValue {
  switch (dimension) {
    case 'department':
      return { code: stored, name: names.departments.get(stored) ?? '' }
    case 'municipality':
      return { code: stored, name: names.municipalities.get(stored)?.name ?? '' }
    case 'category': {
      const labels = names.categories.get(stored)
      return { code: stored, name: labels?.[lang] ?? labels?.es ?? stored }
    }
    case 'institution': {
      const found = names.institutions.get(stored)
      return stored === NO_UNIT || !found ? { code: '', name: '' } : found
    }
    case 'unit': {
      const found = names.units.get(stored)
      return stored === NO_UNIT || !found ? { code: '', name: '' } : { code: found.code, name: found.name }
    }
    case 'sector':
    case 'status':
      return { code: stored }
  }
}

/** The dimensions that are published with a name column beside the code. */
export const NAMED_DIMENSIONS: ReadonlySet<Dimension> = new Set(['department', 'municipality', 'category', 'institution', 'unit'])
