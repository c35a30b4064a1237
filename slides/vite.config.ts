import { defineConfig } from 'vite'

// `npm run dev` against a running loopcast: the API and the stream are proxied, and
// the shared browser code in ../static may be imported.
const target = process.env.LOOPCAST_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/api': target,
      '/ws': { target, ws: true },
    },
  },
})
