import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/dark/css-vars.css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { onUnauthorized } from './api/client'
import { useAuth } from './stores/auth'
import { useSettings } from './stores/settings'
import { useMasters } from './stores/masters'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
useSettings() // applies language, theme and font size before the first paint

// Any 401 (expired or ended token) sends the user back to the login page once.
let redirecting = false
onUnauthorized(() => {
  const auth = useAuth()
  auth.clear()
  useMasters().reset()
  if (redirecting || router.currentRoute.value.name === 'login') return
  redirecting = true
  const current = router.currentRoute.value.fullPath
  void router
    .replace({ name: 'login', query: { expired: '1', redirect: current } })
    .finally(() => (redirecting = false))
})

app.use(router)
app.mount('#app')
