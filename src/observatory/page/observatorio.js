// The observatory dashboard. Reads only the public statistics API (no token), so it shows exactly
// what anyone may see: months, at most two dimensions, small counts suppressed by the server.
/* global Chart */
'use strict'

const API = '/api/v1/stats'
const COLORS = { health: '#1f77b4', education: '#ff7f0e', cash_transfer: '#2ca02c' }
const state = { lang: new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'es', texts: null, k: 5, charts: {} }

const $ = (id) => document.getElementById(id)

function t(key) {
  const value = key.split('.').reduce((node, part) => (node ? node[part] : undefined), state.texts[state.lang])
  return typeof value === 'string' ? value.replaceAll('{{k}}', String(state.k)) : key
}

function applyTexts() {
  document.documentElement.lang = state.lang
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t)
}

async function getStats(path, query) {
  const params = new URLSearchParams({ lang: state.lang, ...query })
  const response = await fetch(`${API}/${path}?${params}`, { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  return response.json()
}

/** The league covers the last twelve months: recent work, and a quicker answer on a long history. */
function leagueFrom() {
  const now = new Date()
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1))
  return first.toISOString().slice(0, 10)
}

function filters() {
  const out = {}
  if ($('department').value) out.department = $('department').value
  if ($('municipality').value) out.municipality = $('municipality').value
  return out
}

/** A published count as a number for charts: suppressed cells ("<5", "x") draw as zero. */
const numeric = (count) => (typeof count === 'number' ? count : 0)
/** Long category names would squeeze a phone-wide chart to nothing. */
const short = (text) => (text.length > 32 ? `${text.slice(0, 31)}…` : text)
const shown = (count) => (typeof count === 'number' ? count.toLocaleString(state.lang) : String(count ?? '—'))

function fillSelect(select, rows, codeKey, nameKey) {
  const keep = select.value
  const all = new Option(t('all'), '')
  all.dataset.t = 'all'
  select.replaceChildren(all)
  for (const row of rows.sort((a, b) => a[nameKey].localeCompare(b[nameKey], state.lang))) select.add(new Option(row[nameKey], row[codeKey]))
  select.value = rows.some((row) => row[codeKey] === keep) ? keep : ''
}

function cell(row, text, value, numericCell) {
  const td = document.createElement('td')
  td.textContent = text
  if (value !== undefined) td.dataset.value = String(value)
  if (numericCell) td.className = 'n'
  row.append(td)
}

function drawChart(id, config) {
  state.charts[id]?.destroy()
  state.charts[id] = new Chart($(id), { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } })
}

function renderPerMonth(answer) {
  const periods = [...new Set(answer.rows.map((row) => row.period))].sort()
  const sectors = [...new Set(answer.rows.map((row) => row.sector))]
  const datasets = sectors.map((sector) => ({
    label: t(`sector.${sector}`),
    backgroundColor: COLORS[sector] ?? '#888',
    data: periods.map((period) => numeric(answer.rows.find((row) => row.period === period && row.sector === sector)?.count)),
  }))
  drawChart('per-month', { type: 'bar', data: { labels: periods, datasets }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } })
}

function renderByCategory(answer) {
  const rows = [...answer.rows].sort((a, b) => numeric(b.count) - numeric(a.count))
  drawChart('by-category', {
    type: 'bar',
    data: { labels: rows.map((row) => short(row.categoryName)), datasets: [{ label: t('cases'), backgroundColor: '#0b4f6c', data: rows.map((row) => numeric(row.count)) }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  })
}

function renderLeague(answer) {
  const body = $('league').tBodies[0]
  body.replaceChildren()
  const rows = [...answer.rows].sort((a, b) => (b.resolvedWithinDeadlinePercent ?? -1) - (a.resolvedWithinDeadlinePercent ?? -1))
  for (const row of rows) {
    const tr = body.insertRow()
    tr.dataset.unit = row.unit
    cell(tr, row.unitName)
    cell(tr, shown(row.cases), row.cases, true)
    cell(tr, shown(row.due), row.due, true)
    const percent = row.resolvedWithinDeadlinePercent
    cell(tr, percent === undefined ? '—' : `${percent.toLocaleString(state.lang)} %`, percent, true)
    cell(tr, shown(row.medianHoursToAcknowledge), row.medianHoursToAcknowledge, true)
    cell(tr, shown(row.medianHoursToResolve), row.medianHoursToResolve, true)
  }
}

function renderMunicipalities(answer) {
  const body = $('municipalities').tBodies[0]
  body.replaceChildren()
  const rows = [...answer.rows].sort((a, b) => numeric(b.count) - numeric(a.count) || a.municipalityName.localeCompare(b.municipalityName))
  for (const row of rows) {
    const tr = body.insertRow()
    tr.dataset.municipality = row.municipality
    cell(tr, row.municipalityName)
    cell(tr, row.departmentName)
    cell(tr, shown(row.count), row.count, true)
  }
  if (rows.length === 0) cell(body.insertRow(), t('empty'))
}

async function refresh() {
  document.body.dataset.ready = 'false'
  $('status').textContent = t('loading')
  try {
    const f = filters()
    const [perMonth, byCategory, league, places] = await Promise.all([
      getStats('cases', { ...f, period: 'month', groupBy: 'sector' }),
      getStats('cases', { ...f, groupBy: 'category' }),
      getStats('timeliness', { ...f, groupBy: 'unit', from: leagueFrom() }),
      getStats('cases', { ...f, groupBy: 'department,municipality' }),
    ])
    state.k = perMonth.k
    applyTexts()
    $('total').textContent = shown(places.total)
    $('total').dataset.value = String(places.total)
    renderPerMonth(perMonth)
    renderByCategory(byCategory)
    renderLeague(league)
    $('league').dataset.from = leagueFrom()
    renderMunicipalities(places)
    $('status').textContent = ''
    document.body.dataset.filters = new URLSearchParams(f).toString()
    document.body.dataset.ready = 'true'
  } catch (error) {
    $('status').textContent = t('failed')
    console.error(error)
  }
}

async function loadMunicipalities() {
  const department = $('department').value
  if (!department) return fillSelect($('municipality'), [], 'municipality', 'municipalityName')
  const answer = await getStats('cases', { department, groupBy: 'municipality' })
  fillSelect($('municipality'), answer.rows, 'municipality', 'municipalityName')
}

async function start() {
  state.texts = await (await fetch('/observatorio/texts.json')).json()
  applyTexts()
  const departments = await getStats('cases', { groupBy: 'department' })
  fillSelect($('department'), departments.rows, 'department', 'departmentName')
  $('department').addEventListener('change', async () => {
    $('municipality').value = ''
    await loadMunicipalities()
    await refresh()
  })
  $('municipality').addEventListener('change', refresh)
  $('language').addEventListener('click', async () => {
    state.lang = state.lang === 'es' ? 'en' : 'es'
    const url = new URL(location.href)
    url.searchParams.set('lang', state.lang)
    history.replaceState(null, '', url)
    await refresh()
  })
  await refresh()
}

start().catch((error) => {
  $('status').textContent = 'Error'
  console.error(error)
})
