import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The production build of loopcast's own pages (static/*.html: the audience page, and any
// page added beside it): bundled, minified, content-hashed, into static/dist/, which the
// server serves at /watch (server/api/pages.py) with /static/dist/assets/ cached for good.
// The pages name their files as the server serves the sources (/static/js/watch.js): read
// as paths from the folder itself (/js/watch.js), so their scripts, styles and icon are built.
const staticDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'static')
const pages = readdirSync(staticDir).filter((name) => name.endsWith('.html'))

export default defineConfig({
  root: staticDir,
  base: '/static/dist/',
  publicDir: false,
  logLevel: 'warn',
  plugins: [
    {
      name: 'loopcast-static-sources',
      transformIndexHtml: {
        order: 'pre',
        // The icon goes into the page as a data: URL: on a saturated venue link each request
        // on a phone's connection waits a round trip behind the queue (bench.qr).
        handler: (html: string) =>
          html
            .replace(/(rel="icon" href=)"\/static\/([^"]+\.svg)"/g, (_, link: string, name: string) =>
              `${link}"data:image/svg+xml,${encodeURIComponent(readFileSync(join(staticDir, name), 'utf8').trim())}"`)
            .replaceAll('"/static/', '"/'),
      },
    },
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // The favicon and the uPlot CSS's small images go inline: a request fewer each.
    assetsInlineLimit: 4096,
    rollupOptions: { input: Object.fromEntries(pages.map((name) => [name.slice(0, -5), join(staticDir, name)])) },
  },
})
