import type { DbOrTx } from '../db/client.js'
import { SECTOR_LABELS, loadCatalog } from '../db/catalog.js'
import { type Sector, SECTORS, municipalities } from '../db/schema/index.js'
import type { XmlObject } from './xml.js'

/** A GeoReport service: one per sector and complaint category, named in Spanish. */
export type Open311Service = { sector: Sector; category: string; name: string }

/** `health.medicine_shortage`: the sector and the category, so a code routes like a chat answer. */
export function serviceCode(sector: string, category: string): string {
  return `${sector}.${category}`
}

/** The sector and category of a service code, or null when it is not one of ours. */
export function parseServiceCode(code: string): { sector: Sector; category: string } | null {
  const [sector, category, ...rest] = code.split('.')
  const known = SECTORS.find((s) => s === sector)
  return known && category && rest.length === 0 ? { sector: known, category } : null
}

/** Every service, in the catalog's order. */
export async function listServices(db: DbOrTx): Promise<Open311Service[]> {
  const catalog = await loadCatalog(db)
  return catalog.categories.flatMap((c) => {
    const sector = SECTORS.find((s) => s === c.sector)
    return sector ? [{ sector, category: c.code, name: c.label.es ?? c.code }] : []
  })
}

/** A service as the GeoReport `services` list shows it. */
export function serviceEntry(service: Open311Service): XmlObject {
  const group = SECTOR_LABELS[service.sector].es
  return {
    service_code: serviceCode(service.sector, service.category),
    service_name: service.name,
    description: `${group}: ${service.name}`,
    metadata: true,
    type: 'realtime',
    keywords: [group, ...service.category.split('_')].join(', ').toLowerCase(),
    group,
  }
}

/**
 * The attributes a request of the service takes: the municipality (required unless lat/long fall
 * in one) and the facility. Nothing that identifies the person is asked for.
 */
export async function serviceDefinition(db: DbOrTx, service: Open311Service): Promise<XmlObject> {
  const places = await db.select().from(municipalities).orderBy(municipalities.code)
  return {
    service_code: serviceCode(service.sector, service.category),
    attributes: [
      {
        variable: true,
        code: 'municipality',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: 'Código INE del municipio (cuatro dígitos). Obligatorio si no se envían lat y long.',
        order: 1,
        description: 'Municipio',
        values: places.map((m) => ({ key: m.code, name: m.name })),
      },
      {
        variable: true,
        code: 'facility',
        datatype: 'string',
        required: false,
        datatype_description: 'Nombre del establecimiento (centro de salud, escuela, oficina)',
        order: 2,
        description: 'Establecimiento',
      },
    ],
  }
}
