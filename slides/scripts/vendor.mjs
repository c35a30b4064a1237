// Copies uPlot (ESM + CSS) from node_modules into static/vendor/, so the audience page
// and the deck load the chart code from loopcast itself: no CDN at the venue. Its types go
// beside it for the type check of static/js (`npm run check`).
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const vendor = join(here, '..', '..', 'static', 'vendor')
const uplot = join(here, '..', 'node_modules', 'uplot', 'dist')
mkdirSync(vendor, { recursive: true })
copyFileSync(join(uplot, 'uPlot.esm.js'), join(vendor, 'uPlot.esm.js'))
copyFileSync(join(uplot, 'uPlot.min.css'), join(vendor, 'uPlot.min.css'))
copyFileSync(join(uplot, 'uPlot.d.ts'), join(vendor, 'uPlot.esm.d.ts'))
console.log(`uPlot copied to ${vendor}`)
