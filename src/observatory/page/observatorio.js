// The observatory dashboard. Reads only the public statistics API (no token), so it shows exactly
// what anyone may see: the published tables, small counts withheld by the server as "<k" or "x".
// A withheld count is never drawn or written as 0: bars are hatched and labelled, cells marked.
/* global Chart */
'use strict'

const API = '/api/v1/stats'
const COLORS = { health: '#1f77b4', education: '#c25e00', cash_transfer: '#2a8a2a' }
const state = { lang: 'es', texts: null, k: 5, charts: {}, departments: [] }

const $ = (id) => document.getElementById(id)

function t(key) {
  const value = key.split('.').reduce((node, part) => (node ? node[part] : undefined), state.texts[state.lang])
  return typeof value === 'string' ? value.replaceAll('{{k}}', String(state.k)) : key
}

function applyTexts() {
  document.documentElement.lang = state.lang
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t)
  $('language').lang = state.lang === 'es' ? 'en' : 'es'
}

/** The filters of the view, as the URL carries them so a view can be shared. */
function readUrl() {
  const params = new URLSearchParams(location.search)
  state.lang = params.get('lang') === 'en' ? 'en' : 'es'
  return { department: params.get('department') ?? '', municipality: params.get('municipality') ?? '' }
}

function writeUrl(push) {
  const url = new URL(location.href)
  for (const [name, value] of Object.entries({ department: $('department').value, municipality: $('municipality').value, lang: state.lang === 'en' ? 'en' : '' })) {
    if (value) url.searchParams.set(name, value)
    else url.searchParams.delete(name)
  }
  if (push) history.pushState(null, '', url)
  else history.replaceState(null, '', url)
}

function statsUrl(path, query, csv) {
  const params = new URLSearchParams({ ...query, ...(csv ? { format: 'csv' } : { lang: state.lang }) })
  return `${API}/${path}?${params}`
}

async function getStats(path, query) {
  const response = await fetch(statsUrl(path, query, false), { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  return response.json()
}

/** The league covers the last twelve months: recent work, and a quicker answer on a long history. */
function leagueFrom() {
  const now = new Date()
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)).toISOString().slice(0, 10)
}

function filters() {
  const out = {}
  if ($('department').value) out.department = $('department').value
  if ($('municipality').value) out.municipality = $('municipality').value
  return out
}

const isWithheld = (count) => typeof count === 'string'
/** For sorting only: a withheld count holds some cases, so it sorts above the zeros. */
const sortable = (count) => (typeof count === 'number' ? count : 0.5)
const shown = (count) => (typeof count === 'number' ? count.toLocaleString(state.lang) : String(count ?? '—'))
/** What a screen reader and a tooltip say for a withheld count. */
const spoken = (count) => (count === `<${state.k}` ? t('lessThanK') : count === 'x' ? t('hidden') : shown(count))

function fillSelect(select, rows, codeKey, nameKey, keep) {
  const all = new Option(t('all'), '')
  all.dataset.t = 'all'
  select.replaceChildren(all)
  for (const row of [...rows].sort((a, b) => a[nameKey].localeCompare(b[nameKey], state.lang))) select.add(new Option(row[nameKey], row[codeKey]))
  select.value = rows.some((row) => row[codeKey] === keep) ? keep : ''
}

function cell(row, text, value, numeric) {
  const td = document.createElement('td')
  td.textContent = text
  if (value !== undefined) td.dataset.value = String(value)
  if (numeric) td.classList.add('n')
  if (isWithheld(value)) {
    td.classList.add('withheld')
    td.title = spoken(value)
    td.setAttribute('aria-label', spoken(value))
  }
  row.append(td)
  return td
}

function fillTable(table, headers, rows) {
  const head = table.tHead ?? table.createTHead()
  head.replaceChildren()
  const tr = head.insertRow()
  for (const text of headers) {
    const th = document.createElement('th')
    th.scope = 'col'
    th.textContent = text
    tr.append(th)
  }
  const body = table.tBodies[0]
  body.replaceChildren()
  for (const [label, ...counts] of rows) {
    const row = body.insertRow()
    const th = document.createElement('th')
    th.scope = 'row'
    th.textContent = label
    row.append(th)
    for (const count of counts) cell(row, shown(count), count, true)
  }
}

/** Diagonal stripes in a colour: Chart.js takes a CanvasPattern as a bar's fill. */
function hatch(color) {
  const tile = document.createElement('canvas')
  tile.width = 8
  tile.height = 8
  const g = tile.getContext('2d')
  g.fillStyle = '#ffffff'
  g.fillRect(0, 0, 8, 8)
  g.strokeStyle = color
  g.lineWidth = 2
  g.beginPath()
  g.moveTo(-2, 10)
  g.lineTo(10, -2)
  g.moveTo(-2, 2)
  g.lineTo(2, -2)
  g.moveTo(6, 10)
  g.lineTo(10, 6)
  g.stroke()
  return g.createPattern(tile, 'repeat')
}

/**
 * A withheld count is drawn as a hatched bar up to k-1 for "<k" (it is at most that) and as no bar
 * for "x" (it could be anything); both carry their label, written by the plugin below.
 */
function barData(counts, color) {
  return {
    data: counts.map((count) => (count === `<${state.k}` ? state.k - 1 : typeof count === 'number' ? count : 0)),
    published: counts,
    backgroundColor: counts.map((count) => (isWithheld(count) ? hatch(color) : color)),
    borderColor: color,
    borderWidth: counts.map((count) => (isWithheld(count) ? 1 : 0)),
  }
}

const withheldLabels = {
  id: 'withheldLabels',
  afterDatasetsDraw(chart) {
    const g = chart.ctx
    g.save()
    g.font = 'bold 12px system-ui, sans-serif'
    g.fillStyle = '#1d2733'
    chart.data.datasets.forEach((dataset, d) => {
      const meta = chart.getDatasetMeta(d)
      if (meta.hidden) return
      meta.data.forEach((bar, i) => {
        const count = dataset.published?.[i]
        if (!isWithheld(count)) return
        const horizontal = chart.options.indexAxis === 'y'
        g.textAlign = horizontal ? 'left' : 'center'
        g.textBaseline = horizontal ? 'middle' : 'bottom'
        g.fillText(count, horizontal ? bar.x + 4 : bar.x, horizontal ? bar.y : bar.y - 2)
      })
    })
    g.restore()
  },
}

const countAxis = () => ({ beginAtZero: true, ticks: { precision: 0 }, grace: '10%' })
const tooltip = { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${spoken(item.dataset.published?.[item.dataIndex] ?? item.raw)}` } }

function drawChart(id, config) {
  state.charts[id]?.destroy()
  state.charts[id] = new Chart($(id), {
    ...config,
    plugins: [withheldLabels],
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options, plugins: { tooltip, ...config.options?.plugins } },
  })
}

function renderPerMonth(answer) {
  const periods = [...new Set(answer.rows.map((row) => row.period))].sort()
  const sectors = [...new Set(answer.rows.map((row) => row.sector))]
  const countOf = (period, sector) => answer.rows.find((row) => row.period === period && row.sector === sector)?.count ?? 0
  const datasets = sectors.map((sector) => ({ label: t(`sector.${sector}`), ...barData(periods.map((p) => countOf(p, sector)), COLORS[sector] ?? '#666') }))
  drawChart('per-month', { type: 'bar', data: { labels: periods, datasets }, options: { scales: { y: countAxis() } } })
  fillTable($('per-month-table'), [t('month'), ...sectors.map((s) => t(`sector.${s}`))], periods.map((p) => [p, ...sectors.map((s) => countOf(p, s))]))
}

/** Long category names wrap over lines so they stay readable beside a phone-wide bar. */
function wrap(text, width) {
  const lines = []
  for (const word of text.split(' ')) {
    const last = lines.at(-1)
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
  }
  return lines
}

function renderByCategory(answer) {
  const rows = [...answer.rows].sort((a, b) => sortable(b.count) - sortable(a.count) || a.categoryName.localeCompare(b.categoryName, state.lang))
  const narrow = window.innerWidth < 600
  $('by-category-box').style.height = `${Math.max(240, rows.length * (narrow ? 44 : 30))}px`
  drawChart('by-category', {
    type: 'bar',
    data: { labels: rows.map((row) => wrap(row.categoryName, narrow ? 22 : 40)), datasets: [{ label: t('cases'), ...barData(rows.map((row) => row.count), '#0b4f6c') }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: countAxis(), y: { ticks: { autoSkip: false, font: { size: narrow ? 11 : 12 } } } } },
  })
  fillTable($('by-category-table'), [t('category'), t('cases')], rows.map((row) => [row.categoryName, row.count]))
}

/** The institution an office belongs to: named by the API when it does, else read from its code. */
function institutionOf(row) {
  if (row.institutionName) return row.institutionName
  const code = String(row.unit ?? '').split('-')[0]
  return state.texts[state.lang].institutions?.[code] ?? code
}

function renderLeague(answer) {
  const body = $('league').tBodies[0]
  body.replaceChildren()
  const share = (row) => (typeof row.resolvedWithinDeadlinePercent === 'number' ? row.resolvedWithinDeadlinePercent : -1)
  const rows = [...answer.rows].sort((a, b) => share(b) - share(a) || sortable(b.cases) - sortable(a.cases) || a.unitName.localeCompare(b.unitName, state.lang))
  for (const row of rows) {
    const tr = body.insertRow()
    tr.dataset.unit = row.unit
    const th = document.createElement('th')
    th.scope = 'row'
    th.textContent = row.unitName
    const institution = document.createElement('span')
    institution.className = 'unit-institution'
    institution.textContent = institutionOf(row)
    th.append(institution)
    tr.append(th)
    cell(tr, shown(row.cases), row.cases, true)
    cell(tr, shown(row.due), row.due, true)
    const percent = row.resolvedWithinDeadlinePercent
    cell(tr, typeof percent === 'number' ? `${percent.toLocaleString(state.lang)} %` : percent === undefined ? '—' : String(percent), percent, true)
    cell(tr, shown(row.medianHoursToAcknowledge), row.medianHoursToAcknowledge, true)
    cell(tr, shown(row.medianHoursToResolve), row.medianHoursToResolve, true)
  }
  if (rows.length === 0) cell(body.insertRow(), t('empty'))
}

function renderPlaces(table, rows, columns, key) {
  const body = table.tBodies[0]
  body.replaceChildren()
  for (const row of rows) {
    const tr = body.insertRow()
    tr.dataset[key] = row[key]
    for (const name of columns) cell(tr, row[name])
    cell(tr, shown(row.count), row.count, true)
  }
  if (rows.length === 0) cell(body.insertRow(), t('empty'))
}

const byName = (name) => (a, b) => sortable(b.count) - sortable(a.count) || a[name].localeCompare(b[name], state.lang)

function monthLabel(publication) {
  const months = publication?.months
  if (!months) return ''
  const format = (ym) => new Date(`${ym}-15T12:00:00Z`).toLocaleDateString(state.lang, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  return `(${months.first === months.last ? format(months.first) : `${format(months.first)} – ${format(months.last)}`})`
}

async function refresh() {
  document.body.dataset.ready = 'false'
  $('status').textContent = t('loading')
  try {
    const f = filters()
    // the published tables: categories go down to a department, the league covers every office
    const department = f.department ? { department: f.department } : {}
    const queries = {
      perMonth: ['cases', { ...f, period: 'month', groupBy: 'sector' }],
      byCategory: ['cases', { ...department, groupBy: 'category' }],
      league: ['timeliness', { groupBy: 'unit', from: leagueFrom() }],
      departments: ['cases', { groupBy: 'department' }],
      places: f.department ? ['cases', { department: f.department, groupBy: 'municipality' }] : ['cases', { groupBy: 'department,municipality' }],
    }
    const [perMonth, byCategory, league, departments, places] = await Promise.all(Object.values(queries).map(([path, query]) => getStats(path, query)))
    state.k = perMonth.k ?? state.k
    applyTexts()
    $('total').textContent = shown(perMonth.total)
    $('total').dataset.value = String(perMonth.total)
    $('period').textContent = monthLabel(places.publication)
    renderPerMonth(perMonth)
    renderByCategory(byCategory)
    renderLeague(league)
    $('league').dataset.from = leagueFrom()
    renderPlaces($('departments'), [...departments.rows].sort(byName('departmentName')), ['departmentName'], 'department')
    const departmentName = state.departments.find((row) => row.department === f.department)?.departmentName
    const placeRows = places.rows.filter((row) => !f.municipality || row.municipality === f.municipality).map((row) => ({ departmentName, ...row }))
    renderPlaces($('municipalities'), placeRows.sort(byName('municipalityName')), ['municipalityName', 'departmentName'], 'municipality')
    const links = { 'per-month-csv': 'perMonth', 'by-category-csv': 'byCategory', 'league-csv': 'league', 'departments-csv': 'departments', 'municipalities-csv': 'places' }
    for (const [id, name] of Object.entries(links)) $(id).href = statsUrl(queries[name][0], queries[name][1], true)
    $('status').textContent = ''
    document.body.dataset.filters = new URLSearchParams(f).toString()
    document.body.dataset.ready = 'true'
  } catch (error) {
    $('status').textContent = t('failed')
    console.error(error)
  }
}

async function loadMunicipalities(keep) {
  const department = $('department').value
  if (!department) return fillSelect($('municipality'), [], 'municipality', 'municipalityName', '')
  const answer = await getStats('cases', { department, groupBy: 'municipality' })
  fillSelect($('municipality'), answer.rows, 'municipality', 'municipalityName', keep)
}

/** Puts the selects where the URL says (on load, and on back and forward) and draws the view. */
async function restore() {
  const wanted = readUrl()
  applyTexts()
  fillSelect($('department'), state.departments, 'department', 'departmentName', wanted.department)
  await loadMunicipalities(wanted.municipality)
  await refresh()
}

async function start() {
  state.texts = await (await fetch('/observatorio/texts.json')).json()
  readUrl()
  applyTexts()
  state.departments = (await getStats('cases', { groupBy: 'department' })).rows
  $('department').addEventListener('change', async () => {
    $('municipality').value = ''
    await loadMunicipalities('')
    writeUrl(true)
    await refresh()
  })
  $('municipality').addEventListener('change', async () => {
    writeUrl(true)
    await refresh()
  })
  $('language').addEventListener('click', async () => {
    state.lang = state.lang === 'es' ? 'en' : 'es'
    writeUrl(false)
    await restore()
  })
  window.addEventListener('popstate', () => {
    restore().catch((error) => console.error(error))
  })
  await restore()
}

start().catch((error) => {
  $('status').textContent = 'Error'
  console.error(error)
})
