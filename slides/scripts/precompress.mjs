// Writes NAME.br and NAME.gz beside each built file worth compressing (slides/dist,
// static/dist), so the server compresses nothing while a hall of phones loads the page
// (server/api/precompressed.py picks one by Accept-Encoding). A copy that would not be
// smaller is not written.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { readFileSync, readdirSync, statSync, writeFileSync, unlinkSync } from 'node:fs'
import { extname, join } from 'node:path'

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt', '.xml', '.ico', '.wasm', '.ttf', '.otf'])
const SMALLEST = 256 // below this, headers outweigh what compression saves

/** @param {string} folder @returns {string[]} */
function files(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    return entry.isDirectory() ? files(path) : [path]
  })
}

let before = 0
let after = 0
for (const folder of process.argv.slice(2)) {
  const all = files(folder)
  const old = (/** @type {string} */ path) => path.endsWith('.br') || path.endsWith('.gz')
  all.filter(old).forEach((path) => unlinkSync(path)) // a previous build's, perhaps of a file gone
  for (const path of all.filter((path) => !old(path))) {
    if (!COMPRESSIBLE.has(extname(path)) || statSync(path).size < SMALLEST) continue
    const plain = readFileSync(path)
    const copies = {
      '.br': brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length } }),
      '.gz': gzipSync(plain, { level: 9 }),
    }
    before += plain.length
    after += copies['.br'].length
    for (const [suffix, bytes] of Object.entries(copies)) {
      if (bytes.length < plain.length) writeFileSync(path + suffix, bytes)
    }
  }
}
console.log(`precompressed ${process.argv.slice(2).join(', ')}: ${before} bytes, ${after} with brotli`)
