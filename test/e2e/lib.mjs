// Helpers for the console's end-to-end test: a real `ordo serve` on a free port with a
// fresh temporary database, a small API client to seed it, and headless Chromium through
// playwright-core (installed in web/node_modules).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

export const here = dirname(fileURLToPath(import.meta.url))
export const repo = resolve(here, '../..')
export const screensDir = join(here, 'screens')

const require = createRequire(join(repo, 'web/package.json'))
export const { chromium } = require('playwright-core')

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p
  }
  throw new Error('Chromium not found: install the Debian package "chromium" or set CHROMIUM_PATH')
}

// Starts `ordo serve` on 127.0.0.1:0 with a new SQLite database; resolves when it
// prints the address it listens on.
export async function startServer({ adminPassword }) {
  const bin = process.env.ORDO_BIN ?? join(repo, 'build/ordo')
  if (!existsSync(bin)) throw new Error(`${bin} not found: build the server first (make build)`)
  const webDir = join(repo, 'web/dist')
  if (!existsSync(join(webDir, 'index.html'))) throw new Error('web/dist is missing: run `npm --prefix web run build`')
  const dir = mkdtempSync(join(tmpdir(), 'ordo-e2e-'))
  const child = spawn(
    bin,
    ['serve', '--db', `sqlite:${join(dir, 'ordo.db')}`, '--listen', '127.0.0.1:0', '--web-dir', webDir],
    {
      env: { ...process.env, ORDO_ADMIN_PASSWORD: adminPassword, ORDO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let log = ''
  const base = await new Promise((resolveBase, reject) => {
    const timer = setTimeout(() => reject(new Error('ordo did not start in 20 s:\n' + log)), 20000)
    const onData = (chunk) => {
      log += chunk.toString()
      const m = /listening on (\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolveBase('http://' + m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`ordo exited with ${code}:\n${log}`))
    })
  })
  return {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL')
            r()
          }, 5000)
          child.on('exit', () => {
            clearTimeout(t)
            r()
          })
        })
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// A tiny API client for seeding.
export function apiClient(base) {
  let token = ''
  async function call(method, path, body, headers = {}) {
    const r = await fetch(base + '/api/v1' + path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: 'Bearer ' + token } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    const data = text ? JSON.parse(text) : undefined
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`)
    return data
  }
  return {
    base,
    call,
    async login(username, password) {
      token = (await call('POST', '/auth/login', { username, password })).token
    },
  }
}

// The e2e's users (password PASSWORD) and master data: a warehouse, a pump (50 in stock)
// and a valve (20, below its safety stock of 18 once 3 are reserved), a customer.
export const PASSWORD = 'e2e-pass-1234'
export const USERS = {
  sales: { username: 'e2e_sales', display_name: '王销售', roles: ['sales_rep'] },
  manager: { username: 'e2e_manager', display_name: '张经理', roles: ['sales_manager'] },
  finance: { username: 'e2e_finance', display_name: '刘财务', roles: ['finance'] },
  warehouse: { username: 'e2e_warehouse', display_name: '陈仓管', roles: ['warehouse'] },
  locked: { username: 'e2e_locked', display_name: '锁定测试', roles: ['analyst'] },
}

export async function seed(api, { orders = false } = {}) {
  for (const u of Object.values(USERS)) await api.call('POST', '/users', { ...u, password: PASSWORD })
  const wh = await api.call('POST', '/warehouses', { code: 'WH-E2E', name: '测试一号仓', region: '华东' })
  const pump = await api.call('POST', '/products', {
    sku: 'E2E-PUMP', name: '离心泵', spec: 'IS80-65-160 7.5kW', unit: '台',
    list_price: '100.00', min_price: '90.00', tax_rate: '0.13', lead_time_days: 5, safety_stock: '5',
  })
  const valve = await api.call('POST', '/products', {
    sku: 'E2E-VALVE', name: '闸阀', spec: 'Z41H-16C DN100', unit: '个',
    list_price: '250.00', min_price: '200.00', tax_rate: '0.13', lead_time_days: 7, safety_stock: '18',
  })
  await api.call('POST', '/stock/adjustments', { product_id: pump.id, warehouse_id: wh.id, qty_delta: '50', reason: '期初' })
  await api.call('POST', '/stock/adjustments', { product_id: valve.id, warehouse_id: wh.id, qty_delta: '20', reason: '期初' })
  const customer = await api.call('POST', '/customers', {
    code: 'C-E2E', name: '上海测试机电有限公司', uscc: '91350100M000100Y43', address: '上海市浦东新区张江路 88 号',
    contacts: [{ name: '王芳', phone: '13800000000', email: 'wf@example.com' }],
    credit_limit: '1000000.00', payment_terms: { method: 'net', net_days: 30 }, default_invoice_type: 'vat_special',
  })
  const ids = { warehouse: wh.id, pump: pump.id, valve: valve.id, customer: customer.id }
  return orders ? { ...ids, ...(await seedOrders(api, ids)) } : ids
}

// Orders for the screenshots, entered by the sales rep through the API: a draft with two
// lines (the order form), and a submitted order with a long customer name, one line
// below the minimum price and a large amount (the review inbox, the order detail). The
// customer is edited once, so that the audit log has an update.
// `admin` is an apiClient signed in as admin.
export async function seedOrders(admin, ids) {
  const long = await admin.call('POST', '/customers', {
    code: 'C-LONG', name: '深圳市前海新能源装备制造与智能控制技术股份有限公司', address: '深圳市南山区前海大道 1 号',
    contacts: [{ name: '李工', phone: '13900000000' }], credit_limit: null,
    payment_terms: { method: 'net', net_days: 60 }, default_invoice_type: 'vat_special',
  })
  const cust = await admin.call('GET', `/customers/${ids.customer}`)
  await admin.call('PATCH', `/customers/${ids.customer}`, { credit_limit: '1200000.00', payment_terms: { method: 'net', net_days: 45 } }, { 'If-Match': String(cust.version) })
  const sales = apiClient(admin.base)
  await sales.login(USERS.sales.username, PASSWORD)
  const draft = await sales.call('POST', '/orders', {
    customer_id: ids.customer, channel: 'email',
    lines: [
      { product_id: ids.pump, qty: '4', unit_price: '100.00', discount_rate: '0.05' },
      { product_id: ids.valve, qty: '2', unit_price: '250.00' },
    ],
    freight: '15.00', external_ref: 'PO-SCREENS-1',
  })
  const pending = await sales.call('POST', '/orders', {
    customer_id: long.id, channel: 'visit',
    lines: [
      { product_id: ids.pump, qty: '30', unit_price: '85.00' },
      { product_id: ids.valve, qty: '12000', unit_price: '198.00' },
    ],
    freight: '1200.00', submit: true,
  })
  return { draftId: draft.id, pendingId: pending.id, orderId: pending.id }
}

export function ensureScreensDir() {
  mkdirSync(screensDir, { recursive: true })
}
