// A panel sized to its frame (the embed): its chart as tall as the frame allows, less what the
// panel shows around it. The browser lays the panel out, so it is measured at two chart
// heights and solved for the one that fills the frame (the slope: a panel may stack charts).

export const MIN_CHART = 80
const GUESSES = [100, 200]

/**
 * The chart height that makes the panel `frame` pixels tall; null for a panel with no chart.
 * @param {(chartHeight: number) => Promise<number>} measure the panel's height at that chart height
 * @param {number} frame
 * @returns {Promise<number | null>}
 */
export async function fitChartHeight(measure, frame) {
  const [low, high] = GUESSES
  const atLow = await measure(low)
  const slope = ((await measure(high)) - atLow) / (high - low)
  if (slope <= 0) return null
  return Math.max(MIN_CHART, Math.floor(low + (frame - atLow) / slope))
}
