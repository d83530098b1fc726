import { z } from 'zod'
import { SECTORS } from '../schema/index.js'

const CodeSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]*$/, 'codes are upper case letters, digits and dashes')
const DepartmentCodeSchema = z.string().regex(/^\d{2}$/)
const MunicipalityCodeSchema = z.string().regex(/^\d{4}$/)
const HoursSchema = z.number().int().positive()

export const SeedInstitutionSchema = z.object({ code: CodeSchema, name: z.string().min(1) })
export type SeedInstitution = z.infer<typeof SeedInstitutionSchema>

export const SeedUnitSchema = z.object({
  code: CodeSchema,
  /** code of the institution it belongs to */
  institution: CodeSchema,
  name: z.string().min(1),
  /** code of the unit overdue cases escalate to */
  parent: CodeSchema.optional(),
  department: DepartmentCodeSchema.optional(),
  municipality: MunicipalityCodeSchema.optional(),
})
export type SeedUnit = z.infer<typeof SeedUnitSchema>

export const SeedRuleSchema = z.object({
  sector: z.enum(SECTORS),
  category: z.string().min(1).optional(),
  department: DepartmentCodeSchema.optional(),
  municipality: MunicipalityCodeSchema.optional(),
  /** code of the unit that receives the case */
  unit: CodeSchema,
  /** overrides the sector's `slaHours` */
  slaHours: HoursSchema.optional(),
  priority: z.number().int().default(0),
  note: z.string().min(1).optional(),
})
export type SeedRule = z.infer<typeof SeedRuleSchema>

/** The operator-edited directory file (seed/directory.json): institutions, units, routing rules. */
export const SeedSchema = z
  .object({
    _about: z.string(),
    /** default deadline per sector, in hours */
    slaHours: z.object({ health: HoursSchema, education: HoursSchema, cash_transfer: HoursSchema }),
    institutions: z.array(SeedInstitutionSchema),
    units: z.array(SeedUnitSchema),
    rules: z.array(SeedRuleSchema),
  })
  .superRefine((seed, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
    const institutionCodes = new Set<string>()
    seed.institutions.forEach((institution, i) => {
      if (institutionCodes.has(institution.code)) problem(['institutions', i, 'code'], `duplicate institution ${institution.code}`)
      institutionCodes.add(institution.code)
    })
    const unitCodes = new Set(seed.units.map((unit) => unit.code))
    if (unitCodes.size !== seed.units.length) problem(['units'], 'unit codes must be unique')
    seed.units.forEach((unit, i) => {
      if (!institutionCodes.has(unit.institution)) problem(['units', i, 'institution'], `unknown institution ${unit.institution}`)
      if (unit.parent !== undefined && !unitCodes.has(unit.parent)) problem(['units', i, 'parent'], `unknown unit ${unit.parent}`)
    })
    seed.rules.forEach((rule, i) => {
      if (!unitCodes.has(rule.unit)) problem(['rules', i, 'unit'], `unknown unit ${rule.unit}`)
      if (rule.municipality !== undefined && rule.department !== undefined && !rule.municipality.startsWith(rule.department)) {
        problem(['rules', i, 'municipality'], `municipality ${rule.municipality} is not in department ${rule.department}`)
      }
    })
  })
export type Seed = z.infer<typeof SeedSchema>
/** A seed as written by hand: defaults (rule priority) may be left out. */
export type SeedInput = z.input<typeof SeedSchema>
