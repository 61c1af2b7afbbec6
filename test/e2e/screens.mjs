// Screenshots of the console's main screens in every language at the desktop (1366×768)
// and phone (390×844) sizes, with the layout checks a person would make: nothing wider
// than the page, and at 1366 px every table fits its card (no sideways scrolling) and the
// review inbox shows the amount. The end-to-end test calls captureScreens at its end;
// `node test/e2e/screens.mjs` runs it alone against a freshly seeded server (for looking
// at the screens while changing the layout). PNGs go to test/e2e/screens/<locale>-<width>/.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CHROMIUM_ARGS,
  apiClient,
  chromium,
  ensureScreensDir,
  findChromium,
  screensDir,
  seed,
  startServer,
} from './lib.mjs'

export const LOCALES = ['zh-CN', 'zh-TW', 'en']
export const SIZES = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]

// Each screen: its name, its path, and what shows that it has loaded.
function screenList({ orderPath, draftPath }) {
  return [
    { name: 'dashboard', path: '/dashboard', ready: 'canvas' },
    { name: 'orders', path: '/orders', ready: '[data-test=order-link]' },
    { name: 'order-detail', path: orderPath, ready: '[data-test=timeline] .el-timeline-item', end: true },
    { name: 'order-form', path: draftPath + '/edit', ready: (page) => page.locator('[data-test=line-available-1]').filter({ hasNotText: '…' }), end: true },
    { name: 'review-inbox', path: '/reviews', ready: '[data-test=order-link]' },
    { name: 'customers', path: '/customers', ready: '[data-test=customer-table] .el-table__row' },
    { name: 'products', path: '/products', ready: '[data-test=product-table] .el-table__row' },
    { name: 'stock', path: '/stock', ready: '[data-test=stock-table] .el-table__row' },
    { name: 'audit-log', path: '/admin/audit', ready: '[data-test=audit-table] .el-table__row' },
    { name: 'company-settings', path: '/admin/settings', ready: '[data-test=company-name]', end: true },
  ]
}

async function settle(page) {
  await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => {})
  await page.evaluate(() => document.fonts.ready)
  await page.waitForTimeout(120) // transitions
}

// How the page and its tables overflow, in px (0 = fits).
function overflow(page) {
  return page.evaluate(() => {
    const tables = [...document.querySelectorAll('.el-table')]
      .filter((t) => t.getBoundingClientRect().width > 0)
      .map((t) => {
        const wrap = t.querySelector('.el-table__body-wrapper .el-scrollbar__wrap')
        return wrap ? wrap.scrollWidth - wrap.clientWidth : 0
      })
    return { page: document.documentElement.scrollWidth - window.innerWidth, tables }
  })
}

async function setLocale(page, base, locale) {
  await page.goto(base + '/login')
  await page.evaluate((l) => {
    const s = JSON.parse(localStorage.getItem('ordo.settings') ?? '{}')
    localStorage.setItem('ordo.settings', JSON.stringify({ ...s, locale: l, theme: 'light', fontSize: 'medium' }))
  }, locale)
}

// Takes every screen in every language and size with `page` (signed in as someone who
// may see them all: admin) and `loginPage` (a page of another browser context, signed
// out). Returns the number of screenshots.
export async function captureScreens({ page, loginPage, base, orderPath, draftPath }) {
  const screens = screenList({ orderPath, draftPath })
  const problems = []
  const check = (ok, text) => ok || problems.push(text)
  let n = 0
  for (const locale of LOCALES) {
    for (const size of SIZES) {
      const dir = join(screensDir, `${locale}-${size.width}`)
      mkdirSync(dir, { recursive: true })
      const where = `${locale} ${size.width}px`

      await loginPage.setViewportSize(size)
      await setLocale(loginPage, base, locale)
      await loginPage.goto(base + '/login')
      await loginPage.locator('[data-test=login-submit]').waitFor()
      await settle(loginPage)
      await loginPage.screenshot({ path: join(dir, 'login.png') })
      n++

      await page.setViewportSize(size)
      await setLocale(page, base, locale)
      await page.goto(base + '/')
      await page.locator('.el-main').waitFor()
      for (const s of screens) {
        // Within the app (as a click on a link would), not a reload: faster.
        await page.evaluate((path) => {
          history.pushState({}, '', path)
          dispatchEvent(new PopStateEvent('popstate'))
        }, s.path)
        await (typeof s.ready === 'function' ? s.ready(page) : page.locator(s.ready)).first().waitFor()
        await settle(page)
        await page.screenshot({ path: join(dir, s.name + '.png') })
        n++
        if (s.end && size.width < 700) {
          // A phone shows a long screen in parts: its end too (the totals, the timeline).
          await page.evaluate(() => document.querySelector('.el-main')?.scrollTo(0, 1e6))
          await page.waitForTimeout(100)
          await page.screenshot({ path: join(dir, s.name + '-end.png') })
          n++
        }
        const o = await overflow(page)
        check(o.page <= 0, `${where} ${s.name}: the page is ${o.page}px wider than the screen`)
        if (size.width >= 1366) {
          for (const [i, w] of o.tables.entries()) {
            check(w <= 1, `${where} ${s.name}: table ${i + 1} scrolls sideways by ${w}px`)
          }
        }
        if (s.name === 'review-inbox') {
          // The reviewer sees the amount without scrolling.
          const cell = page.locator('[data-test=order-gross-cell]').first()
          const box = await cell.boundingBox()
          check(box && box.x >= 0 && box.x + box.width <= size.width, `${where}: the inbox's amount is off screen (${JSON.stringify(box)})`)
        }
      }
    }
  }
  assert.deepEqual(problems, [], 'layout problems')
  return n
}

// Run alone: a fresh server with the e2e's data and a few orders, then every screen.
async function main() {
  ensureScreensDir()
  const adminPassword = 'screens-admin-pass'
  const server = await startServer({ adminPassword })
  let browser
  try {
    const api = apiClient(server.base)
    await api.login('admin', adminPassword)
    const { orderId, draftId } = await seed(api, { orders: true })
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    const loginPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage()
    await page.goto(server.base + '/login')
    await page.locator('[data-test=login-username]').fill('admin')
    await page.locator('[data-test=login-password]').fill(adminPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    const started = Date.now()
    const n = await captureScreens({ page, loginPage, base: server.base, orderPath: `/orders/${orderId}`, draftPath: `/orders/${draftId}` })
    console.log(`${n} screenshots in ${((Date.now() - started) / 1000).toFixed(1)} s under ${screensDir}`)
  } finally {
    await browser?.close()
    await server.stop()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
