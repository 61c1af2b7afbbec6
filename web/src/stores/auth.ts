// The signed-in user and their token. The token lives in localStorage so that a reload
// keeps the session; a 401 from any call clears it (see main.ts).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, getToken, request, setToken } from '@/api/client'
import type { Locale, Role, User } from '@/api/types'
import { useSettings } from './settings'

export const useAuth = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const token = ref<string | null>(getToken())

  const loggedIn = computed(() => !!token.value)

  function has(...roles: Role[]): boolean {
    return !!user.value && user.value.roles.some((r) => roles.includes(r))
  }

  // After a login or a reload: the language comes from the user's profile, unless this
  // browser chose one, which is then saved to the profile.
  async function syncLocale(): Promise<void> {
    const settings = useSettings()
    if (!user.value) return
    if (!settings.localeChosen) {
      settings.setLocale(user.value.locale, false)
    } else if (user.value.locale !== settings.locale) {
      await saveLocale(settings.locale)
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const r = await request<{ token: string; user: User }>('POST', '/auth/login', {
      body: { username, password },
      noAuthRedirect: true,
    })
    setToken(r.token)
    token.value = r.token
    user.value = r.user
    await syncLocale().catch(() => undefined)
  }

  async function loadMe(): Promise<User> {
    const me = await api.get<User>('/me')
    user.value = me
    await syncLocale().catch(() => undefined)
    return me
  }

  async function saveLocale(locale: Locale): Promise<void> {
    if (!user.value) return
    const me = await api.patch<User>('/me', { locale })
    user.value = me
  }

  // Forget the session locally (a 401, or after logout).
  function clear(): void {
    setToken(null)
    token.value = null
    user.value = null
  }

  async function logout(): Promise<void> {
    try {
      if (token.value) await request('POST', '/auth/logout', { noAuthRedirect: true })
    } catch {
      // The token may already be gone; logging out locally is what matters.
    }
    clear()
  }

  return { user, token, loggedIn, has, login, loadMe, saveLocale, clear, logout }
})
