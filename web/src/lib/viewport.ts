// The window's width, shared by every screen that lays itself out differently on a
// phone: below 700 px the menu is a drawer, descriptions take one column and order
// lists become cards; below 1100 px the menu collapses to icons.
import { computed, ref } from 'vue'

export const PHONE_MAX = 700
export const COMPACT_MAX = 1100

const width = ref(typeof window === 'undefined' ? 1366 : window.innerWidth)
if (typeof window !== 'undefined') window.addEventListener('resize', () => (width.value = window.innerWidth))

export function useViewport() {
  return {
    width,
    phone: computed(() => width.value < PHONE_MAX),
    compact: computed(() => width.value < COMPACT_MAX),
  }
}
