// Routes, their roles, and the guard that keeps signed-out users on the login page.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from '@/stores/auth'
import { ApiError } from '@/api/client'
import type { Role } from '@/api/types'
import {
  AUDIT_READERS,
  ORDER_WRITERS,
  REVIEWERS,
  SETTINGS_WRITERS,
  USER_READERS,
  hasAny,
  landingPath,
} from '@/lib/permissions'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    roles?: Role[]
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: { render: () => null } },
      { path: 'my-orders', name: 'my-orders', component: () => import('@/views/orders/MyOrdersView.vue'), meta: { title: 'nav.myOrders', roles: ORDER_WRITERS } },
      { path: 'reviews', name: 'reviews', component: () => import('@/views/orders/ReviewInboxView.vue'), meta: { title: 'nav.reviews', roles: REVIEWERS } },
      { path: 'dashboard', name: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { title: 'nav.dashboard' } },
      { path: 'orders', name: 'orders', component: () => import('@/views/orders/OrderListView.vue'), meta: { title: 'nav.orderList' } },
      { path: 'orders/new', name: 'order-new', component: () => import('@/views/orders/OrderFormView.vue'), meta: { title: 'nav.newOrder', roles: ORDER_WRITERS } },
      { path: 'orders/:id(\\d+)', name: 'order', component: () => import('@/views/orders/OrderDetailView.vue'), meta: { title: 'nav.orders' } },
      { path: 'orders/:id(\\d+)/edit', name: 'order-edit', component: () => import('@/views/orders/OrderFormView.vue'), meta: { title: 'nav.orders', roles: ORDER_WRITERS } },
      { path: 'customers', name: 'customers', component: () => import('@/views/master/CustomersView.vue'), meta: { title: 'nav.customers' } },
      { path: 'products', name: 'products', component: () => import('@/views/master/ProductsView.vue'), meta: { title: 'nav.products' } },
      { path: 'warehouses', name: 'warehouses', component: () => import('@/views/master/WarehousesView.vue'), meta: { title: 'nav.warehouses' } },
      { path: 'stock', name: 'stock', component: () => import('@/views/master/StockView.vue'), meta: { title: 'nav.stock' } },
      { path: 'admin/audit', name: 'audit', component: () => import('@/views/admin/AuditLogView.vue'), meta: { title: 'nav.audit', roles: AUDIT_READERS } },
      { path: 'admin/users', name: 'users', component: () => import('@/views/admin/UsersView.vue'), meta: { title: 'nav.users', roles: USER_READERS } },
      { path: 'admin/settings', name: 'company-settings', component: () => import('@/views/admin/CompanySettingsView.vue'), meta: { title: 'nav.companySettings', roles: SETTINGS_WRITERS } },
      { path: 'settings', name: 'settings', component: () => import('@/views/SettingsView.vue'), meta: { title: 'nav.settings' } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })


router.beforeEach(async (to) => {
  const auth = useAuth()
  if (to.meta.public) return true
  if (!auth.loggedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (!auth.user) {
    try {
      await auth.loadMe()
    } catch (e) {
      // An expired or ended token: back to the login page, saying why.
      if (e instanceof ApiError && e.status === 401) {
        return { name: 'login', query: { expired: '1', redirect: to.fullPath } }
      }
      return auth.loggedIn ? true : { name: 'login' }
    }
  }
  if (to.name === 'home') return landingPath(auth.user)
  if (to.meta.roles && !hasAny(auth.user, to.meta.roles)) return landingPath(auth.user)
  return true
})
