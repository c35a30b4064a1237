// Learning rate changes on a chart whose x is the batch (seq): a dashed vertical line at
// each change, labelled "lr 0.5", as a uPlot plugin drawn over the series.

import uPlot from '../vendor/uPlot.esm.js'

const MARKER = '#7048e8'

/** @param {number} lr */
export function lrLabel(lr) {
  return `lr ${lr}`
}

/** @param {() => { seq: number, lr: number }[]} changes the changes to mark, read at each draw */
export function lrMarkers(changes) {
  return {
    hooks: {
      draw: [
        /** @param {uPlot} plot */
        (plot) => {
          const list = changes()
          if (!list.length) return
          const { ctx } = plot
          const { top, height, left, width } = plot.bbox
          const px = uPlot.pxRatio
          ctx.save()
          ctx.strokeStyle = ctx.fillStyle = MARKER
          ctx.lineWidth = 1.5 * px
          ctx.setLineDash([4 * px, 3 * px])
          ctx.font = `bold ${11 * px}px system-ui, sans-serif`
          for (const { seq, lr } of list) {
            const x = Math.round(plot.valToPos(seq, 'x', true))
            if (!(x >= left && x <= left + width)) continue // off the axis (or no data yet)
            ctx.beginPath()
            ctx.moveTo(x, top)
            ctx.lineTo(x, top + height)
            ctx.stroke()
            ctx.fillText(lrLabel(lr), x + 3 * px, top + 12 * px)
          }
          ctx.restore()
        },
      ],
    },
  }
}
