// Save PNG: a live chart as drawn, at 2x pixel density, with its legend and caption below
// it, downloaded as a file for slides. The plot is drawn again by uPlot (charts.js).

import { context2d } from './dom.js'

export const PNG_RATIO = 2
const LEGEND_ROW = 20 // CSS pixels, as the page's legend
const CAPTION_LINE = 16
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

// The legend entries shown on the page (a hidden one, such as "earlier run" with no
// overlay, or the x series', is left out): label and colour of each.
/** @param {HTMLElement} element @returns {{ label: string, color: string }[]} */
export function shownLegend(element) {
  return [...element.querySelectorAll('.u-legend .u-series')]
    .filter((row) => row instanceof HTMLElement && row.offsetParent !== null && !row.classList.contains('u-off'))
    .map((row) => ({
      label: row.querySelector('.u-label')?.textContent ?? '',
      color: getComputedStyle(row.querySelector('.u-marker') ?? row).borderColor,
    }))
}

// Words wrapped to lines no wider than `width` on `ctx` with its font.
/** @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} width */
function wrap(ctx, text, width) {
  const lines = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const longer = line ? `${line} ${word}` : word
    if (line && ctx.measureText(longer).width > width) {
      lines.push(line)
      line = word
    } else line = longer
  }
  return line ? [...lines, line] : lines
}

/**
 * The PNG of a chart: its plot at PNG_RATIO, the legend, then the caption, on white.
 * @param {{ canvas(ratio: number): Promise<HTMLCanvasElement> }} chart
 * @param {{ label: string, color: string }[]} legend
 * @param {string} caption
 * @returns {Promise<Blob>}
 */
export async function chartPng(chart, legend, caption) {
  const plot = await chart.canvas(PNG_RATIO)
  const k = PNG_RATIO
  const out = document.createElement('canvas')
  const ctx = context2d(out)
  ctx.font = `${12 * k}px ${FONT}`
  const lines = wrap(ctx, caption, plot.width - 16 * k)
  out.width = plot.width
  out.height = plot.height + (LEGEND_ROW + lines.length * CAPTION_LINE + 4) * k
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.drawImage(plot, 0, 0)
  ctx.font = `${12 * k}px ${FONT}` // resizing a canvas resets its context
  ctx.textBaseline = 'middle'
  let x = 8 * k
  const legendY = plot.height + (LEGEND_ROW / 2) * k
  for (const { label, color } of legend) {
    ctx.fillStyle = color
    ctx.fillRect(x, legendY - k, 14 * k, 3 * k)
    ctx.fillStyle = '#222'
    ctx.fillText(label, x + 18 * k, legendY)
    x += 18 * k + ctx.measureText(label).width + 14 * k
  }
  ctx.fillStyle = '#555'
  lines.forEach((line, i) => ctx.fillText(line, 8 * k, plot.height + (LEGEND_ROW + (i + 0.5) * CAPTION_LINE) * k))
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png'))
}

/** @param {Blob} blob @param {string} filename */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
