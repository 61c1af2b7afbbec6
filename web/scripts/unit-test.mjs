// Unit tests of the console's money rules (src/lib/money.ts) against the server's own
// test tables. Compiles the TypeScript module with the project's TypeScript and runs it
// under node:test. Usage: npm run test:unit
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { LINE_CASES, WORD_CASES } from './money-cases.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const source = readFileSync(join(here, '../src/lib/money.ts'), 'utf8')
const js = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText
const out = join(mkdtempSync(join(tmpdir(), 'ordo-money-')), 'money.mjs')
writeFileSync(out, js)
const m = await import(pathToFileURL(out).href)

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
