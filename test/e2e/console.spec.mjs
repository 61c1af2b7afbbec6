// End-to-end test of the web console in headless Chromium against a real `ordo serve`
// with a fresh database: a sales rep enters a two-line order through the pickers and
// submits it; the three reviewers approve it (sales with a price override, after the
// server refused the approval without one); the order is confirmed with its timeline; it
// is found by its number; the language switches to traditional Chinese and English.
// Each main screen is saved under test/e2e/screens/. Any browser console error fails the
// test, except the HTTP errors the steps provoke on purpose.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import {
  CHROMIUM_ARGS,
  apiClient,
  chromium,
  ensureScreensDir,
  findChromium,
  screensDir,
  startServer,
} from './lib.mjs'

const ADMIN_PASSWORD = 'e2e-admin-pass'
const PASSWORD = 'e2e-pass-1234'
const USERS = {
  sales: { username: 'e2e_sales', display_name: '王销售', roles: ['sales_rep'] },
  manager: { username: 'e2e_manager', display_name: '张经理', roles: ['sales_manager'] },
  finance: { username: 'e2e_finance', display_name: '刘财务', roles: ['finance'] },
  warehouse: { username: 'e2e_warehouse', display_name: '陈仓管', roles: ['warehouse'] },
}

let server
let browser
let context
let page
let orderNumber = ''
let orderPath = ''
const consoleErrors = []
// HTTP errors this test provokes on purpose (wrong password, validation, refused review,
// expired token) appear in the console as "Failed to load resource"; only those are allowed.
const EXPECTED_HTTP = /Failed to load resource: the server responded with a status of (401|409|422)/

async function shot(name) {
  await page.waitForTimeout(250) // let transitions settle
  await page.screenshot({ path: join(screensDir, name + '.png') })
}

async function logout() {
  await page.evaluate(() => localStorage.removeItem('ordo.token'))
}

async function login(who) {
  const [username, password] = who === 'admin' ? ['admin', ADMIN_PASSWORD] : [USERS[who].username, PASSWORD]
  await logout()
  await page.goto(server.base + '/login')
  await page.locator('[data-test=login-username]').fill(username)
  await page.locator('[data-test=login-password]').fill(password)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  await page.waitForLoadState('networkidle')
}

// Picks an option in an Element Plus select; with a search text for remote selects.
async function pick(selectSelector, search, optionText) {
  const select = page.locator(selectSelector)
  await select.click()
  if (search !== null) await page.keyboard.type(search)
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first()
  await option.waitFor({ state: 'visible' })
  await option.click()
}

async function errorMessage() {
  const m = page.locator('.el-message--error').last()
  await m.waitFor({ state: 'visible' })
  return (await m.innerText()).trim()
}

async function closeMessages() {
  for (const b of await page.locator('.el-message__closeBtn').all()) await b.click().catch(() => {})
}

before(async () => {
  ensureScreensDir()
  server = await startServer({ adminPassword: ADMIN_PASSWORD })
  const api = apiClient(server.base)
  await api.login('admin', ADMIN_PASSWORD)
  for (const u of Object.values(USERS)) await api.call('POST', '/users', { ...u, password: PASSWORD })
  const wh = await api.call('POST', '/warehouses', { code: 'WH-E2E', name: '测试一号仓', region: '华东' })
  const a = await api.call('POST', '/products', {
    sku: 'E2E-PUMP', name: '离心泵', spec: 'IS80-65-160 7.5kW', unit: '台',
    list_price: '100.00', min_price: '90.00', tax_rate: '0.13', lead_time_days: 5, safety_stock: '5',
  })
  const b = await api.call('POST', '/products', {
    sku: 'E2E-VALVE', name: '闸阀', spec: 'Z41H-16C DN100', unit: '个',
    list_price: '250.00', min_price: '200.00', tax_rate: '0.13', lead_time_days: 7, safety_stock: '18',
  })
  await api.call('POST', '/stock/adjustments', { product_id: a.id, warehouse_id: wh.id, qty_delta: '50', reason: '期初' })
  await api.call('POST', '/stock/adjustments', { product_id: b.id, warehouse_id: wh.id, qty_delta: '20', reason: '期初' })
  await api.call('POST', '/customers', {
    code: 'C-E2E', name: '上海测试机电有限公司', uscc: '91350100M000100Y43', address: '上海市浦东新区张江路 88 号',
    contacts: [{ name: '王芳', phone: '13800000000', email: 'wf@example.com' }],
    credit_limit: '1000000.00', payment_terms: { method: 'net', net_days: 30 }, default_invoice_type: 'vat_special',
  })

  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  page = await context.newPage()
  page.setDefaultTimeout(15000)
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const url = msg.location()?.url ?? ''
    if (EXPECTED_HTTP.test(msg.text()) && url.includes('/api/v1/')) return
    consoleErrors.push(`${msg.text()} (${url})`)
  })
  page.on('pageerror', (e) => consoleErrors.push('page error: ' + e.message))
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

describe('web console', () => {
  it('login page: a wrong password is shown, then the sales rep lands on their drafts', async () => {
    await page.goto(server.base + '/')
    await page.waitForURL(/\/login/)
    await shot('01-login')
    await page.locator('[data-test=login-username]').fill(USERS.sales.username)
    await page.locator('[data-test=login-password]').fill('wrong-password')
    await page.locator('[data-test=login-submit]').click()
    const err = page.locator('[data-test=login-error]')
    await err.waitFor()
    assert.match(await err.innerText(), /用户名或密码错误/)
    await login('sales')
    assert.equal(new URL(page.url()).pathname, '/my-orders')
    await page.getByText('没有草稿或退回的订单').waitFor()
    await shot('02-my-orders-empty')
  })

  it('sales rep enters a two-line order with live totals and server field errors', async () => {
    await page.locator('[data-test=new-order]').click()
    await page.waitForURL(/\/orders\/new/)
    await pick('[data-test=customer-select]', '测试', '上海测试机电有限公司')
    await page.locator('[data-test=customer-info]').waitFor()

    // The picker's options show what stock holds of each (50 pumps) before one is chosen.
    await page.locator('[data-test=line-product-0]').click()
    await page.keyboard.type('E2E')
    await page.waitForLoadState('networkidle')
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'E2E-PUMP' }).getByText(/50 台/).waitFor()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'E2E-VALVE' }).getByText(/20 个/).waitFor()
    await shot('03a-product-picker')
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'E2E-PUMP' }).first().click()
    await page.locator('[data-test=line-info-0]').getByText('50').waitFor() // available stock shown
    assert.match(await page.locator('[data-test=line-info-0]').innerText(), /100\.00.*90\.00/)
    assert.equal(await page.locator('[data-test=line-price-0]').inputValue(), '100.00')
    await page.locator('[data-test=line-qty-0]').fill('0') // the server refuses this
    await page.locator('[data-test=line-discount-0]').fill('5')

    await page.locator('[data-test=add-line]').click()
    await pick('[data-test=line-product-1]', 'VALVE', 'E2E-VALVE')
    await page.locator('[data-test=line-qty-1]').fill('3')
    await page.locator('[data-test=line-price-1]').fill('180.00') // below the minimum price 200.00
    await page.locator('[data-test=below-min-1]').waitFor()
    await page.locator('[data-test=freight]').fill('20.00')

    // A 422 from the server lands on the field it names (lines[0].qty).
    await page.locator('[data-test=save-draft]').click()
    const qtyErr = page.locator('[data-test=err-qty-0]')
    await qtyErr.waitFor()
    assert.match(await qtyErr.innerText(), /greater than 0|大于/)
    await page.locator('[data-test=form-errors]').waitFor()

    await page.locator('[data-test=line-qty-0]').fill('10')
    // 10 × 100.00 × 95 % = 950.00 + 13 % = 1073.50; 3 × 180.00 = 540.00 + 70.20 = 610.20; + 20.00
    await page.locator('[data-test=total-gross]', { hasText: '1,703.70' }).waitFor()
    assert.equal(await page.locator('[data-test=total-words]').innerText(), '壹仟柒佰零叁元柒角')
    assert.equal(await page.locator('[data-test=line-gross-0]').innerText(), '1,073.50')
    await page.locator('[data-test=external-ref]').fill('PO-E2E-001')
    await shot('03-order-form')

    await page.locator('[data-test=save-submit]').click()
    await page.waitForURL(/\/orders\/\d+$/)
    orderPath = new URL(page.url()).pathname
    await page.locator('[data-test=status-tag]', { hasText: '待评审' }).waitFor()
    orderNumber = (await page.locator('[data-test=order-number]').innerText()).trim()
    assert.match(orderNumber, /^SO\d{8}\d{3,}$/)
    // The server's figures agree with the live ones.
    assert.match(await page.locator('[data-test=order-gross]').innerText(), /1,703\.70/)
    assert.equal(await page.locator('[data-test=order-words]').innerText(), '壹仟柒佰零叁元柒角')
    await page.locator('[data-test=flag-below_min_price]').waitFor()
    await page.waitForLoadState('networkidle')
    await shot('04-order-submitted')
  })

  it('the sales manager is refused without the override, then approves with it', async () => {
    await login('manager')
    assert.equal(new URL(page.url()).pathname, '/reviews')
    const link = page.locator('[data-test=order-link]', { hasText: orderNumber })
    await link.waitFor()
    await shot('05-review-inbox')
    await link.click()
    await page.waitForURL(server.base + orderPath)
    await page.locator('[data-test=act-review]').click()
    const dialog = page.locator('[data-test=review-dialog]')
    await dialog.waitFor()
    await page.locator('[data-test=review-comment]').fill('价格偏低')
    await page.locator('[data-test=review-ok]').click()
    const msg = await errorMessage()
    assert.match(msg, /价格低于最低价/)
    assert.match(msg, /override_price/) // the server's own message
    await shot('06-review-refused')
    await closeMessages()
    await page.locator('[data-test=override-price]').click()
    await page.locator('[data-test=review-comment]').fill('战略客户，价格经销售总监同意')
    await page.locator('[data-test=review-ok]').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-test=reviews]').getByText('战略客户，价格经销售总监同意').waitFor()
    // Decided for sales in this round: out of the sales manager's inbox (awaiting=sales).
    await page.goto(server.base + '/reviews')
    await page.waitForLoadState('networkidle')
    assert.equal(await page.locator('[data-test=order-link]', { hasText: orderNumber }).count(), 0)
  })

  it('finance and warehouse approve; the order is confirmed with its timeline', async () => {
    for (const who of ['finance', 'warehouse']) {
      await login(who)
      assert.equal(new URL(page.url()).pathname, '/reviews')
      await page.locator('[data-test=order-link]', { hasText: orderNumber }).click()
      await page.waitForURL(server.base + orderPath)
      await page.locator('[data-test=act-review]').click()
      await page.locator('[data-test=review-dialog]').waitFor()
      await page.locator('[data-test=review-comment]').fill(who === 'finance' ? '账期 30 天，同意' : '库存已预留')
      await page.locator('[data-test=review-ok]').click()
      await page.locator('[data-test=review-dialog]').waitFor({ state: 'hidden' })
    }
    await page.locator('[data-test=status-tag]', { hasText: '已确认' }).waitFor()
    const timeline = page.locator('[data-test=timeline]')
    for (const text of ['创建', '提交评审', '价格特批（低于最低价）', '→ 已确认']) await timeline.getByText(text).first().waitFor()
    assert.equal(await timeline.locator('.el-timeline-item').count(), 5)
    await page.locator('[data-test=timeline]').scrollIntoViewIfNeeded()
    await shot('07-order-confirmed')
  })

  it('the warehouse sees stock alerts with below-safety rows highlighted', async () => {
    await page.goto(server.base + '/stock?below=1')
    await page.waitForLoadState('networkidle')
    const rows = page.locator('[data-test=stock-table] tr.row-alert')
    await rows.first().waitFor()
    assert.match(await rows.first().innerText(), /E2E-VALVE/)
    await shot('08-stock-alerts')
  })

  it('the order is found by its number in the list', async () => {
    await login('sales')
    await page.goto(server.base + '/orders')
    await page.locator('[data-test=order-search]').fill(orderNumber)
    await page.locator('[data-test=order-search]').press('Enter')
    await page.waitForURL(/q=SO/)
    await page.waitForLoadState('networkidle')
    const links = page.locator('[data-test=order-link]')
    await links.first().waitFor()
    assert.equal(await links.count(), 1)
    assert.equal((await links.first().innerText()).trim(), orderNumber)
    await shot('09-order-search')
  })

  it('labels follow the language: traditional Chinese, then English', async () => {
    const heading = page.locator('.page-header h1')
    assert.equal(await heading.innerText(), '订单列表')
    await page.locator('[data-test=lang-switch]').click()
    await page.locator('[data-test=lang-zh-TW]:visible').click()
    await page.locator('.page-header h1', { hasText: '訂單列表' }).waitFor()
    await page.locator('[data-test=status-tag]', { hasText: '已確認' }).waitFor()
    await page.locator('.el-pagination', { hasText: '共 1 項' }).waitFor() // Element Plus locale too
    await shot('10-orders-zh-TW')
    await page.locator('[data-test=lang-switch]').click()
    await page.locator('[data-test=lang-en]:visible').click()
    await page.locator('.page-header h1', { hasText: 'All orders' }).waitFor()
    await page.locator('[data-test=status-tag]', { hasText: 'Confirmed' }).waitFor()
    await page.locator('.el-pagination', { hasText: 'Total 1' }).waitFor()
    await page.goto(server.base + orderPath)
    await page.locator('[data-test=timeline]').getByText('Submitted for review').waitFor()
    await shot('11-order-detail-en')
    // The choice is kept in this browser and in the user's profile.
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('ordo.settings') ?? '{}'))
    assert.equal(saved.locale, 'en')
  })

  it('settings: dark theme and large font; the dashboard draws its charts', async () => {
    await page.goto(server.base + '/settings')
    await page.locator('[data-test=settings-locale-zh-CN]').click()
    await page.locator('.page-header h1', { hasText: '个人设置' }).waitFor()
    await page.locator('[data-test=settings-theme-dark]').click()
    await page.locator('[data-test=settings-font-large]').click()
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), true)
    await shot('12-settings-dark')
    await page.goto(server.base + '/dashboard')
    await page.waitForLoadState('networkidle')
    await page.locator('canvas').first().waitFor()
    assert.match(await page.locator('[data-test=kpi-amount]').innerText(), /1,703\.70/)
    await shot('13-dashboard-dark')
    await page.locator('[data-test=user-menu]').click()
    await page.locator('[data-test=menu-settings]:visible').click()
    await page.locator('[data-test=settings-theme] label', { hasText: '浅色' }).click()
    await page.locator('[data-test=settings-font] label', { hasText: '中' }).click()
  })

  it('master data screens and the tablet layout', async () => {
    await page.goto(server.base + '/dashboard')
    await page.waitForLoadState('networkidle')
    await page.locator('canvas').first().waitFor()
    await shot('14-dashboard')
    await page.goto(server.base + '/customers')
    await page.locator('[data-test=customer-table]').getByText('上海测试机电有限公司').waitFor()
    await shot('15-customers')
    await page.goto(server.base + '/products')
    await page.locator('[data-test=product-table]').getByText('E2E-VALVE').waitFor()
    await shot('16-products')
    await page.setViewportSize({ width: 800, height: 1024 })
    await page.goto(server.base + orderPath)
    await page.locator('[data-test=timeline]').waitFor()
    await page.waitForLoadState('networkidle')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page wider than the tablet viewport by ${overflow}px`)
    await shot('17-tablet-order-detail')
    await page.setViewportSize({ width: 1366, height: 768 })
  })

  it('the admin lands on users; a bad USCC is refused on its field', async () => {
    await login('admin')
    assert.equal(new URL(page.url()).pathname, '/admin/users')
    await page.locator('[data-test=user-table]').getByText('e2e_warehouse').waitFor()
    await shot('19-admin-users')
    await page.goto(server.base + '/customers')
    await page.locator('[data-test=new-customer]').click()
    await page.locator('[data-test=customer-dialog]').waitFor()
    await page.locator('[data-test=cust-code]').fill('C-BAD')
    await page.locator('[data-test=cust-name]').fill('校验码错误的客户')
    await page.locator('[data-test=cust-uscc]').fill('91350100M000100Y44')
    await page.locator('[data-test=cust-save]').click()
    await page.locator('[data-test=customer-dialog] .el-form-item__error').first().waitFor()
    await shot('20-customer-invalid-uscc')
    await page.keyboard.press('Escape')
    await page.goto(server.base + '/warehouses')
    await page.locator('[data-test=warehouse-table]').getByText('WH-E2E').waitFor()
    await shot('21-warehouses')
    // The audit log: the order's changes, each linking to the order.
    await page.goto(server.base + '/admin/audit')
    await pick('[data-test=audit-entity]', null, /^(订单|訂單|Order)$/)
    const rows = page.locator(`[data-test=audit-table] a[href="${orderPath}"]`)
    await rows.first().waitFor()
    assert.ok((await rows.count()) >= 5) // create, submit, three reviews (and the confirm)
    await shot('22-audit-log')
  })

  it('an expired session returns to the login page with a message', async () => {
    await page.evaluate(() => localStorage.setItem('ordo.token', 'expired-token'))
    await page.goto(server.base + '/orders')
    await page.waitForURL(/\/login/)
    await page.locator('[data-test=login-notice]').waitFor()
    assert.match(await page.locator('[data-test=login-notice]').innerText(), /登录已过期/)
    await shot('18-session-expired')
  })

  it('no unexpected errors in the browser console', () => {
    assert.deepEqual(consoleErrors, [])
  })
})
