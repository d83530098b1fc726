type JsonObject = { [key: string]: unknown }

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)

const FORMATS: Record<string, string> = {
  uuid: '3f2c1b9e-8d4a-4c6f-9b1e-2a7d5c8e0f13',
  'date-time': '2026-11-25T15:00:00.000Z',
  date: '2026-11-25',
  email: 'persona@example.org',
  uri: 'https://example.org/',
}

/**
 * An example value for a JSON schema (as zod writes them): the first enum value, a sample for each
 * string format, one item per array, every property of an object. For operations whose router gives
 * no example of its own: an example that always matches the schema beats none.
 */
export function exampleOf(schema: unknown, depth = 0): unknown {
  if (!isObject(schema) || depth > 8) return null
  if ('example' in schema) return schema.example
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key]
    if (Array.isArray(options)) {
      // a nullable value shows its non-null form
      const first = options.find((option) => !(isObject(option) && option.type === 'null')) ?? options[0]
      return exampleOf(first, depth + 1)
    }
  }
  if (Array.isArray(schema.allOf)) return exampleOf(schema.allOf[0], depth + 1)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {}
      return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, exampleOf(property, depth + 1)]))
    }
    case 'array':
      return [exampleOf(schema.items, depth + 1)]
    case 'string':
      return typeof schema.format === 'string' ? (FORMATS[schema.format] ?? 'text') : 'text'
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 1
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1.5
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return {}
  }
}
