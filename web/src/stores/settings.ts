// Per-browser settings: language, theme and font size, kept in localStorage.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { Locale } from '@/api/types'
import { normalizeLocale, setI18nLocale } from '@/i18n'

export type Theme = 'light' | 'dark'
export type FontSize = 'small' | 'medium' | 'large'

const KEY = 'ordo.settings'

interface Saved {
  locale?: string
  theme?: string
  fontSize?: string
}

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved
  } catch {
    return {}
  }
}

const FONT_PX: Record<FontSize, string> = { small: '13px', medium: '14px', large: '16px' }

export const useSettings = defineStore('settings', () => {
  const saved = load()
  const locale = ref<Locale>(normalizeLocale(saved.locale))
  const theme = ref<Theme>(saved.theme === 'dark' ? 'dark' : 'light')
  const fontSize = ref<FontSize>(
    saved.fontSize === 'small' || saved.fontSize === 'large' ? saved.fontSize : 'medium',
  )
  // True once the user picked a language on this browser (the login page or settings).
  const localeChosen = ref<boolean>(saved.locale !== undefined)

  function apply(): void {
    setI18nLocale(locale.value)
    const root = document.documentElement
    root.classList.toggle('dark', theme.value === 'dark')
    root.style.setProperty('--el-font-size-base', FONT_PX[fontSize.value])
    root.style.fontSize = FONT_PX[fontSize.value]
    root.dataset.fontSize = fontSize.value
  }

  function persist(): void {
    const s: Saved = { theme: theme.value, fontSize: fontSize.value }
    if (localeChosen.value) s.locale = locale.value
    localStorage.setItem(KEY, JSON.stringify(s))
  }

  function setLocale(l: Locale, chosen = true): void {
    locale.value = l
    if (chosen) localeChosen.value = true
  }

  watch([locale, theme, fontSize, localeChosen], () => {
    apply()
    persist()
  })
  apply()

  return { locale, theme, fontSize, localeChosen, setLocale, apply }
})
