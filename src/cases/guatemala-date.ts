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
