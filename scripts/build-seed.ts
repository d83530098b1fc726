/**
 * Builds seed/directory.json, the directory of institutions, units and routing rules an operator
 * edits. It was run once, with `npx tsx scripts/build-seed.ts`, to write the first version from the
 * reference CSVs in src/db/reference; after that the JSON is edited by hand (or through the admin
 * API), so running this again overwrites an operator's edits: check the diff before committing.
 *
 * What it encodes, from the CSVs and from decisions recorded in rule notes:
 * - MSPAS: a central unit and the 29 health areas; split areas route by municipality, whole-
 *   department areas by department. San Luis (1709) is in no area's list: it goes to Petén Sur
 *   Oriental, and its rule says so.
 * - MINEDUC: a central unit and the 26 departmental directorates. Guatemala (4) and Quiché (2) are
 *   split, but the CSV does not say which municipalities each covers: the whole department goes to
 *   the first in file order (Guatemala Norte, Quiché), and the rule says so.
 * - MIDES: a central unit and one MIFAPRO office per department.
 * - One institution and one unit per municipality, without rules yet.
 * - A catch-all rule per sector to the ministry's central unit, so that no case is left unrouted.
 */
import { writeFile } from 'node:fs/promises'
import { readReferenceCsv } from '../src/db/reference/csv.js'
import { type SeedInput, SeedSchema } from '../src/db/seed/seed-schema.js'

type Unit = SeedInput['units'][number]
type Rule = SeedInput['rules'][number]

const ABOUT = [
  'Directory of the institutions that answer for cases, their units (offices) and the routing rules that assign a',
  'complaint to a unit. Loaded on every start (src/db/seed/load-seed.ts): institutions and units are matched by',
  '`code` and updated in place, so keep codes stable (a new code makes a new unit; cases keep the old one);',
  'names and parents here win over edits made through the admin API (except a parent closed through the API).',
  'The rules here are applied on every start too: they replace the previous seed rules, while rules added',
  'through the API are kept; seed rules cannot be edited through the API (edit them here), and the rules of a',
  'unit closed or replaced through the API are not brought back.',
  'Fields: slaHours = default deadline per sector, in hours (a rule may set its own slaHours).',
  'units[]: code, institution (its code), name, parent (unit code where overdue cases escalate; the top of the',
  'ladder has none), department and municipality (INE codes, where the unit works).',
  'rules[]: sector (health, education, cash_transfer), optional category, department, municipality; unit (code);',
  'priority (default 0); note (why the rule exists). The most specific matching rule wins (a municipality counts',
  'as more specific than a department; a category adds one more), ties go to the higher priority. Every sector',
  'needs a rule with only a sector (its catch-all) so that no case is left without a unit.',
  'Municipalities (MUNI-xxxx) have a unit each but no rules yet: they are there for rules to come.',
  'First written by scripts/build-seed.ts from src/db/reference/*.csv; see that script for the decisions taken.',
].join(' ')

const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

async function main() {
  const departments = await readReferenceCsv('gt-departments.csv')
  const municipalities = await readReferenceCsv('gt-municipalities.csv')
  const healthAreas = await readReferenceCsv('mspas-health-areas.csv')
  const directorates = await readReferenceCsv('mineduc-directorates.csv')
  const departmentName = new Map(departments.map((d) => [d.department_code ?? '', d.department ?? '']))

  const ministries = [
    { code: 'MSPAS', name: 'Ministerio de Salud Pública y Asistencia Social' },
    { code: 'MINEDUC', name: 'Ministerio de Educación' },
    { code: 'MIDES', name: 'Ministerio de Desarrollo Social' },
  ]
  const central = (ministry: string): Unit => ({
    code: `${ministry}-CENTRAL`,
    institution: ministry,
    name: 'Despacho Ministerial / Dirección General',
  })
  const units: Unit[] = ministries.map((m) => central(m.code))
  const rules: Rule[] = []

  for (const area of healthAreas) {
    const name = area.health_area ?? ''
    const department = area.department_code ?? ''
    const code = `MSPAS-DAS-${slug(name)}`
    units.push({ code, institution: 'MSPAS', name: `Dirección de Área de Salud ${name}`, parent: 'MSPAS-CENTRAL', department })
    const list = area.municipality_codes ?? ''
    if (list === '*') rules.push({ sector: 'health', department, unit: code })
    else for (const municipality of list.split(';')) rules.push({ sector: 'health', municipality, unit: code })
  }
  rules.push({
    sector: 'health',
    municipality: '1709',
    unit: 'MSPAS-DAS-PETEN-SUR-ORIENTAL',
    note: 'San Luis (1709) no figura en la lista de áreas de salud; se asigna a Petén Sur Oriental hasta que el MSPAS lo confirme.',
  })

  const firstDirectorate = new Map<string, string>()
  for (const directorate of directorates) {
    const name = directorate.directorate ?? ''
    const department = directorate.department_code ?? ''
    // "Guatemala Norte" -> MINEDUC-DIDEDUC-01-NORTE; "Quiché" -> MINEDUC-DIDEDUC-14
    const suffix = slug(name.slice((departmentName.get(department) ?? '').length))
    const code = `MINEDUC-DIDEDUC-${department}${suffix ? `-${suffix}` : ''}`
    units.push({ code, institution: 'MINEDUC', name: `Dirección Departamental de Educación ${name}`, parent: 'MINEDUC-CENTRAL', department })
    if (!firstDirectorate.has(department)) firstDirectorate.set(department, name)
    const split = directorates.filter((d) => d.department_code === department).map((d) => d.directorate)
    if (firstDirectorate.get(department) !== name) continue
    rules.push({
      sector: 'education',
      department,
      unit: code,
      ...(split.length > 1 && {
        note: `El departamento tiene ${split.length} direcciones (${split.join(', ')}) y no se sabe qué municipios atiende cada una; todo el departamento va a ${name} hasta que haya reglas por municipio.`,
      }),
    })
  }

  for (const [department, name] of departmentName) {
    const code = `MIDES-MIFAPRO-${department}`
    units.push({ code, institution: 'MIDES', name: `Oficina departamental MIFAPRO ${name}`, parent: 'MIDES-CENTRAL', department })
    rules.push({ sector: 'cash_transfer', department, unit: code })
  }

  for (const [sector, ministry] of [['health', 'MSPAS'], ['education', 'MINEDUC'], ['cash_transfer', 'MIDES']] as const) {
    rules.push({ sector, unit: `${ministry}-CENTRAL`, note: 'Regla general del sector: ningún caso queda sin unidad.' })
  }

  // Several municipalities share a name (San José, Santa Bárbara ...): name the department there.
  const nameCount = new Map<string, number>()
  for (const m of municipalities) nameCount.set(m.municipality ?? '', (nameCount.get(m.municipality ?? '') ?? 0) + 1)
  const municipalInstitutions = municipalities.map((m) => {
    const name = m.municipality ?? ''
    const qualified = (nameCount.get(name) ?? 0) > 1 ? `${name} (${m.department})` : name
    return { code: `MUNI-${m.municipality_code}`, name: `Municipalidad de ${qualified}` }
  })
  for (const m of municipalities) {
    const code = `MUNI-${m.municipality_code}`
    units.push({ code, institution: code, name: 'Despacho Municipal', department: m.department_code, municipality: m.municipality_code })
  }

  const seed: SeedInput = {
    _about: ABOUT,
    slaHours: { health: 72, education: 120, cash_transfer: 120 },
    institutions: [...ministries, ...municipalInstitutions],
    units,
    rules,
  }
  SeedSchema.parse(seed)
  await writeFile(new URL('../seed/directory.json', import.meta.url), formatSeed(seed))
  console.log(`seed/directory.json: ${seed.institutions.length} institutions, ${units.length} units, ${rules.length} rules`)
}

/** One entry per line: an operator can find and edit a unit or a rule, and diffs stay small. */
function formatSeed(seed: SeedInput): string {
  const list = (items: readonly object[]) => `[\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`
  return [
    '{',
    `  "_about": ${JSON.stringify(seed._about)},`,
    `  "slaHours": ${JSON.stringify(seed.slaHours)},`,
    `  "institutions": ${list(seed.institutions)},`,
    `  "units": ${list(seed.units)},`,
    `  "rules": ${list(seed.rules)}`,
    '}',
    '',
  ].join('\n')
}

await main()
