// Guatemala keeps UTC-6 all year, but asking the time-zone database keeps this right if that changes.
const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Guatemala',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar day (`YYYY-MM-DD`) of an instant in Guatemala, as a citizen there would name it. */
export function guatemalaDate(at: Date): string {
  return formatter.format(at)
}

const timeFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Guatemala', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })

/**
 * Day and time (`YYYY-MM-DD HH:MM`) of an instant in Guatemala: a deadline of hours, not days,
 * needs its hour, or a case due at 15:00 reads the same as one due at midnight.
 */
export function guatemalaDateTime(at: Date): string {
  return `${formatter.format(at)} ${timeFormatter.format(at)}`
}
