// Unit tests of the console's pure modules: the money rules (src/lib/money.ts) against
// the server's own test tables, the safe retry of order creation (src/lib/idempotent.ts),
// the audit log's change texts and what a form changed (src/lib/changes.ts), and reading
// Retry-After (src/api/client.ts). Compiles each TypeScript module (they import nothing
// but types) with the project's TypeScript and runs it under node:test.
// Usage: npm run test:unit
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { LINE_CASES, WORD_CASES } from './money-cases.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'ordo-unit-'))
async function loadLib(name, dir = 'lib') {
  const source = readFileSync(join(here, `../src/${dir}/${name}.ts`), 'utf8')
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText
  const out = join(outDir, name + '.mjs')
  writeFileSync(out, js)
  return import(pathToFileURL(out).href)
}
const m = await loadLib('money')
const idem = await loadLib('idempotent')
const ch = await loadLib('changes')
const client = await loadLib('client', 'api')

test('priceLine matches the server table', () => {
  for (const [mode, qty, price, disc, tax, net, taxAmt, gross] of LINE_CASES) {
    const a = m.priceLine(mode, qty, price, disc, tax)
    const where = `${mode} ${qty} × ${price} (−${disc}, tax ${tax})`
    assert.equal(m.formatMoney(a.net), net, where)
    assert.equal(m.formatMoney(a.tax), taxAmt, where)
    assert.equal(m.formatMoney(a.gross), gross, where)
  }
})

test('amountInWords matches the server table', () => {
  for (const [amount, simplified, traditional] of WORD_CASES) {
    const cents = m.parseUnits(amount, 2)
    assert.equal(m.amountInWords(cents, false), simplified, amount)
    assert.equal(m.amountInWords(cents, true), traditional, amount)
  }
})

test('effectiveUnitPrice rounds to cents', () => {
  const cases = [
    ['100.00', '0.05', '95.00'], ['99.99', '0.125', '87.49'], ['0.05', '0.1', '0.05'],
    ['10.00', '0', '10.00'], ['19.99', '0.3333', '13.33'], ['95.00', '0.0526', '90.00'],
    ['80.00', '1', '0.00'],
  ]
  for (const [p, d, want] of cases) assert.equal(m.formatMoney(m.effectiveUnitPrice(p, d)), want)
})

test('order totals add freight and subtract the order discount', () => {
  const l1 = m.priceLine('tax_exclusive', '10', '99.00', '0.05', '0.13')
  const l2 = m.priceLine('tax_exclusive', '2.5', '19.99', '0.1', '0.09')
  const t = m.orderTotals([l1, l2], '20.00', '0')
  assert.equal(m.formatMoney(t.net), '985.48')
  assert.equal(m.formatMoney(t.tax), '126.32')
  assert.equal(m.formatMoney(t.gross), '1131.80')
})

test('parsing rejects what the server rejects', () => {
  assert.equal(m.parseUnits('1.234', 2), null)
  assert.equal(m.parseUnits('1e3', 2), null)
  assert.equal(m.parseUnits('.5', 2), null)
  assert.equal(m.parseUnits('+1', 2), null)
  assert.equal(m.parseUnits('abc', 2), null)
  assert.equal(m.parseUnits('12.3', 2), 1230n)
  assert.equal(m.percentToRate('5'), '0.05')
  assert.equal(m.percentToRate('12.5'), '0.125')
  assert.equal(m.rateToPercent('0.0375'), '3.75')
  assert.equal(m.groupMoney('1234567.5'), '1,234,567.50')
  assert.equal(m.groupMoney('-1000'), '-1,000.00')
})

// A fake server for order creation: it stores an order per key (first body wins) and can
// lose its answer after committing (a 503 the client sees although the order exists).
function fakeServer() {
  const byKey = new Map()
  const sent = []
  let nextId = 1
  let failures = [] // per request: null, or the status the client sees
  return {
    sent,
    byKey,
    failNext(...statuses) {
      failures = statuses
    },
    async send(body, key) {
      sent.push({ body, key })
      const fail = failures.shift() ?? null
      if (fail === 422 || fail === 429) throw Object.assign(new Error('refused'), { status: fail })
      if (fail === 'before') throw Object.assign(new Error('no answer'), { status: 0 }) // lost before the server
      let order = byKey.get(key)
      if (order && order.body !== body) throw Object.assign(new Error('conflict'), { status: 409 })
      if (!order) byKey.set(key, (order = { id: nextId++, body }))
      if (fail !== null) throw Object.assign(new Error('lost'), { status: fail }) // committed, answer lost
      return { id: order.id }
    },
  }
}
function creator() {
  let n = 0
  return new idem.IdempotentCreate(() => 'k' + ++n, (e) => e.status)
}

test('a retry after a lost answer reuses the key and creates one order', async () => {
  const srv = fakeServer()
  const c = creator()
  srv.failNext(503)
  await assert.rejects(c.create('{"a":1}', srv.send))
  assert.deepEqual(c.pending, { key: 'k1', body: '{"a":1}' })
  const r = await c.create('{"a":1}', srv.send)
  assert.deepEqual(r, { result: { id: 1 }, earlier: false })
  assert.deepEqual(srv.sent.map((x) => x.key), ['k1', 'k1'])
  assert.equal(srv.byKey.size, 1)
  assert.equal(c.pending, null)
  // The next order is a new attempt with a new key.
  await c.create('{"a":2}', srv.send)
  assert.equal(srv.sent.at(-1).key, 'k2')
})

test('no answer at all and 5xx are outcome unknown; 4xx refusals are not', () => {
  for (const s of [0, 500, 502, 503, 504]) assert.equal(idem.failureOutcome(s), 'unknown', String(s))
  for (const s of [400, 403, 404, 409, 413, 422]) assert.equal(idem.failureOutcome(s), 'refused', String(s))
  for (const s of [401, 408, 429]) assert.equal(idem.failureOutcome(s), 'none', String(s))
})

test('a form changed after a lost answer learns the first outcome before anything else', async () => {
  const srv = fakeServer()
  const c = creator()
  srv.failNext(503)
  await assert.rejects(c.create('{"a":1}', srv.send))
  // The first attempt had created the order: that order is the answer, the new body is not sent.
  const r = await c.create('{"a":1,"b":2}', srv.send)
  assert.deepEqual(r, { result: { id: 1 }, earlier: true })
  assert.deepEqual(srv.sent.map((x) => [x.key, x.body]), [['k1', '{"a":1}'], ['k1', '{"a":1}']])
  assert.equal(srv.byKey.size, 1)
})

test('a changed form whose first attempt never arrived is sent with a new key', async () => {
  const srv = fakeServer()
  const c = creator()
  srv.failNext('before', 422)
  await assert.rejects(c.create('{"a":1}', srv.send))
  // The kept attempt, sent again, is refused: it created nothing, so the new body goes out.
  const r = await c.create('{"a":2}', srv.send)
  assert.deepEqual(r, { result: { id: 1 }, earlier: false })
  assert.deepEqual(srv.sent.map((x) => x.key), ['k1', 'k1', 'k2'])
})

test('a refusal ends the attempt; a 401 or 429 keeps an unknown one', async () => {
  const srv = fakeServer()
  const c = creator()
  srv.failNext(422)
  await assert.rejects(c.create('{"a":1}', srv.send))
  assert.equal(c.pending, null)
  srv.failNext(503, 429)
  await assert.rejects(c.create('{"a":1}', srv.send))
  await assert.rejects(c.create('{"a":1}', srv.send))
  assert.deepEqual(c.pending, { key: 'k2', body: '{"a":1}' })
  await c.create('{"a":1}', srv.send)
  assert.deepEqual(srv.sent.map((x) => x.key), ['k1', 'k2', 'k2', 'k2'])
  assert.equal(srv.byKey.size, 1)
})

test('audit changes are read in all three forms the server has written', () => {
  // Now: only the changed fields, each with before and after.
  assert.deepEqual(ch.readChanges('update', { credit_limit: { before: '1000.00', after: '1200.00' } }), [
    { field: 'credit_limit', before: '1000.00', after: '1200.00', changed: true },
  ])
  // Older update and edit events: [before, after], whatever the values are.
  assert.deepEqual(ch.readChanges('update', { roles: [['sales_rep'], ['sales_rep', 'finance']], active: [true, false] }), [
    { field: 'roles', before: ['sales_rep'], after: ['sales_rep', 'finance'], changed: true },
    { field: 'active', before: true, after: false, changed: true },
  ])
  assert.deepEqual(ch.readChanges('edit', { gross: ['100.00', '120.00'] })[0].before, '100.00')
  // Plain values (older updates copied the request; create and submit events).
  assert.deepEqual(ch.readChanges('update', { name: 'x' }), [{ field: 'name', after: 'x', changed: false }])
  assert.deepEqual(ch.readChanges('submit', { flags: ['below_min_price', 'insufficient_stock'] }), [
    { field: 'flags', after: ['below_min_price', 'insufficient_stock'], changed: false },
  ])
  assert.deepEqual(ch.readChanges('login', {}), [])
  assert.deepEqual(ch.readChanges('update', null), [])
})

test('audit values read as text, never as JSON', () => {
  const label = (f, v) => (f === 'roles' ? v.toUpperCase() : v)
  assert.equal(ch.valueText(['sales_rep', 'finance'], ', ', label, 'roles'), 'SALES_REP, FINANCE')
  assert.equal(ch.valueText({ method: 'net', net_days: 30, prepay_percent: null }, '、'), 'net 30')
  assert.equal(ch.valueText([{ name: '王芳', phone: '138', email: '' }], '、'), '王芳 138')
  assert.equal(ch.valueText(null, '、'), '—')
  assert.equal(ch.valueText('', '、'), '—')
  assert.equal(ch.valueText({ name: '', phone: '' }, '、'), '—')
  assert.equal(ch.valueText(12, '、'), '12')
  assert.equal(ch.camel('lead_time_days'), 'leadTimeDays')
})

test('a settings PATCH carries only what changed, objects key by key', () => {
  const before = {
    company: { name: 'A', phone: '1' },
    freight_tax_rate: '0.09',
    complaint_deadlines: { quality: { acknowledge_days: 1, resolve_days: 5 }, other: { acknowledge_days: 1, resolve_days: 5 } },
    allow_self_review: false,
    confirmation_channels: ['partner'],
  }
  const same = structuredClone(before)
  assert.equal(ch.changedPart(before, same), undefined)
  const after = structuredClone(before)
  after.company.name = 'B'
  after.complaint_deadlines.other.resolve_days = 7
  after.allow_self_review = true
  after.confirmation_channels = ['phone', 'partner']
  assert.deepEqual(ch.changedPart(before, after), {
    company: { name: 'B' },
    complaint_deadlines: { other: { resolve_days: 7 } },
    allow_self_review: true,
    confirmation_channels: ['phone', 'partner'], // a list goes whole
  })
  // A value cleared to null is a change; a key the server did not send goes whole.
  assert.deepEqual(ch.changedPart({ a: 1 }, { a: null, b: { c: 1 } }), { a: null, b: { c: 1 } })
})

test('Retry-After is read in seconds or as a date', () => {
  const now = Date.parse('2026-12-06T10:00:00Z')
  assert.equal(client.parseRetryAfter('300', now), 300)
  assert.equal(client.parseRetryAfter(' 42 ', now), 42)
  assert.equal(client.parseRetryAfter('Sun, 06 Dec 2026 10:04:30 GMT', now), 270)
  assert.equal(client.parseRetryAfter('Sun, 06 Dec 2026 09:00:00 GMT', now), 0)
  assert.equal(client.parseRetryAfter(299.2, now), 300) // details.retry_after as a number
  assert.equal(client.parseRetryAfter('soon', now), null)
  assert.equal(client.parseRetryAfter(null, now), null)
  assert.equal(client.parseRetryAfter('', now), null)
  assert.equal(new client.ApiError(429, 'rate_limited', 'x', { retry_after: '120' }).retryAfter, 120)
  assert.equal(new client.ApiError(429, 'rate_limited', 'x', { retry_after: '120' }, 60).retryAfter, 60)
  assert.equal(new client.ApiError(503, 'unavailable', 'x').outcomeUnknown, true)
  assert.equal(new client.ApiError(422, 'validation_failed', 'x').outcomeUnknown, false)
})
