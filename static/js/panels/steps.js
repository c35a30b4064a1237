// The seed slide's five steps of a training step, in order: the one list that the deck's
// slide (StepBoxes.vue), the live overview panel and their colours are made from.

/** @typedef {{ name: string, what: string, color: string }} Step */

/** @type {readonly Step[]} */
export const STEPS = [
  { name: 'zero_grad', what: 'Clear accumulated gradients', color: '#f1f3f5' },
  { name: 'forward', what: 'Model makes predictions', color: '#d0ebff' },
  { name: 'loss', what: 'Measure prediction error', color: '#ffe8cc' },
  { name: 'backward', what: 'Compute gradients', color: '#ffe3e3' },
  { name: 'step', what: 'Update weights', color: '#d3f9d8' },
]

// A box's colour and, while a run trains, its place in the pulse that runs along the row.
/** @param {Step} step @param {number} index */
export function stepStyle(step, index) {
  return { '--lc-step-color': step.color, '--lc-step-delay': `${index * 0.2}s` }
}
