// Runs the console's end-to-end test: `node test/e2e/run.mjs` (or `npm --prefix web run e2e`).
// Needs build/ordo (or ORDO_BIN), web/dist (npm --prefix web run build) and Chromium at
// /usr/bin/chromium (or CHROMIUM_PATH). Screenshots go to test/e2e/screens/.
import './console.spec.mjs'
