// The addon's part of a deck's Vite config (Slidev merges it into the deck's own): where
// loopcast's browser code is (`#loopcast/...`), and, under `slidev dev`, a proxy that takes
// /api, /openapi.json and /ws to a running loopcast, so the deck talks to it as its own origin.
import { existsSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { UserConfig } from 'vite'

const addon = realpathSync(dirname(fileURLToPath(import.meta.url)))
// In a loopcast checkout, the repository's own static/ (one copy); in a packed addon,
// the copy that `npm pack` put beside this file (scripts/pack-static.mjs).
const checkout = join(addon, '..', 'static')
const browser = existsSync(join(checkout, 'js', 'live.js')) ? checkout : join(addon, 'static')
// `LOOPCAST_URL=http://HOST:PORT slidev`: a loopcast elsewhere than the default.
const target = process.env.LOOPCAST_URL ?? 'http://127.0.0.1:8000'

export default {
  resolve: {
    alias: { '#loopcast': browser },
    // Resolved from the deck, whichever folder the addon sits in (a linked checkout too).
    dedupe: ['qrcode', '@slidev/types'],
  },
  // qrcode is CommonJS: `slidev dev` serves it converted, as it does the deck's own packages.
  optimizeDeps: { include: ['qrcode'] },
  server: {
    fs: { allow: [browser] },
    proxy: {
      '/api': target,
      '/openapi.json': target, // the Train form's defaults and limits
      '/ws': { target, ws: true },
    },
  },
} satisfies UserConfig
