import { readFileSync } from 'node:fs'
import { z } from 'zod'

const TopologySchema = z.object({
  transform: z.object({ scale: z.tuple([z.number(), z.number()]), translate: z.tuple([z.number(), z.number()]) }),
  arcs: z.array(z.array(z.tuple([z.number(), z.number()]))),
  objects: z.object({
    municipios_gtm: z.object({
      geometries: z.array(
        z.object({
          type: z.literal('Polygon'),
          arcs: z.array(z.array(z.number().int())),
          properties: z.object({ id: z.number().int() }),
        }),
      ),
    }),
  }),
})

type Ring = [number, number][]
type Shape = { code: string; rings: Ring[]; box: [number, number, number, number] }

/** Decodes the quantized, delta-encoded arcs into longitude/latitude points. */
function decodeArcs(topology: z.infer<typeof TopologySchema>): Ring[] {
  const [sx, sy] = topology.transform.scale
  const [tx, ty] = topology.transform.translate
  return topology.arcs.map((arc) => {
    let x = 0
    let y = 0
    return arc.map(([dx, dy]) => {
      x += dx
      y += dy
      return [x * sx + tx, y * sy + ty] as [number, number]
    })
  })
}

function ringOf(arcIndexes: number[], arcs: Ring[]): Ring {
  const ring: Ring = []
  for (const index of arcIndexes) {
    // A negative index (~i) means arc i walked backwards.
    const arc = index >= 0 ? arcs[index] : arcs[~index]?.slice().reverse()
    if (!arc) throw new Error(`topology refers to a missing arc ${index}`)
    // Consecutive arcs share their joining point.
    ring.push(...(ring.length > 0 ? arc.slice(1) : arc))
  }
  return ring
}

function loadShapes(): Shape[] {
  const raw: unknown = JSON.parse(readFileSync(new URL('./gt-municipalities.topojson', import.meta.url), 'utf8'))
  const topology = TopologySchema.parse(raw)
  const arcs = decodeArcs(topology)
  return topology.objects.municipios_gtm.geometries
    .filter((geometry) => geometry.properties.id >= 101 && geometry.properties.id <= 2299)
    .map((geometry) => {
      const rings = geometry.arcs.map((indexes) => ringOf(indexes, arcs))
      const points = rings.flat()
      const xs = points.map(([x]) => x)
      const ys = points.map(([, y]) => y)
      return {
        code: String(geometry.properties.id).padStart(4, '0'),
        rings,
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      }
    })
}

/** Ray casting: is the point inside the ring? */
function inRing([x, y]: [number, number], ring: Ring): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

let shapes: Shape[] | undefined

/**
 * The INE code of the municipality containing a shared location, or null outside Guatemala (or
 * on a lake). The first ring of a polygon is its outline; further rings are holes.
 */
export function locateMunicipality(latitude: number, longitude: number): string | null {
  shapes ??= loadShapes()
  const point: [number, number] = [longitude, latitude]
  for (const shape of shapes) {
    const [minX, minY, maxX, maxY] = shape.box
    if (longitude < minX || longitude > maxX || latitude < minY || latitude > maxY) continue
    const [outline, ...holes] = shape.rings
    if (outline && inRing(point, outline) && !holes.some((hole) => inRing(point, hole))) return shape.code
  }
  return null
}
