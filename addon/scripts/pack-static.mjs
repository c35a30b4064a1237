// `npm pack` of the addon: the browser code its components run (the repository's static/js,
// loopcast.css and the vendored uPlot) is copied into the package as static/ before packing
// (`copy`) and removed after (`remove`). The checkout keeps one copy, ../static; its deck
// reads that one (vite.config.ts).
import { cpSync, existsSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const addon = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(addon, '..', 'static')
const target = join(addon, 'static')
const FILES = ['js', 'loopcast.css', 'vendor/uPlot.esm.js', 'vendor/uPlot.min.css']

function copy() {
  const missing = FILES.filter((file) => !existsSync(join(source, file)))
  if (missing.length) {
    console.error(
      `pack-static: ${missing.map((file) => join(source, file)).join(', ')} missing: ` +
        'pack the addon from a loopcast checkout after `npm run vendor` in slides/ (scripts/setup does it)',
    )
    process.exit(1)
  }
  rmSync(target, { recursive: true, force: true })
  for (const file of FILES) {
    cpSync(join(source, file), join(target, file), {
      recursive: true,
      filter: (path) => !path.startsWith(join(source, 'js', 'test')), // node --test's, not the browser's
    })
  }
}

const action = process.argv[2]
if (action === 'copy') copy()
else if (action === 'remove') rmSync(target, { recursive: true, force: true })
else {
  console.error(`pack-static: say copy or remove, not ${action ?? 'nothing'}`)
  process.exit(2)
}
