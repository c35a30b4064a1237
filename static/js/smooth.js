// TensorBoard's debiased exponential moving average (TensorBoard PR #639), for noisy
// per-batch curves: computed in the browser from the raw stream. Pure: tested in node.

export const SMOOTHING_MAX = 0.99

// Keeps the smoothed copy of a column that only grows: each call smooths what is new (a
// tick's few points, not the whole run again) and starts over when the column is another
// one (a new key), shrinks or the weight changes. A non-finite value (a diverged loss) is
// passed through as it is and leaves the average untouched.
export class Smoothed {
  constructor() {
    /** @type {unknown} */
    this.key = undefined
    this.weight = NaN
    this.last = 0
    this.count = 0
    /** @type {(number | null)[]} */
    this.values = []
  }

  // `length`: how many of `values` are held (a growable typed column has spare capacity).
  /** @param {unknown} key @param {ArrayLike<number | null>} values @param {number} weight */
  of(key, values, weight, length = values.length) {
    if (key !== this.key || weight !== this.weight || length < this.values.length) {
      this.key = key
      this.weight = weight
      this.last = 0
      this.count = 0
      this.values = []
    }
    for (let i = this.values.length; i < length; i++) {
      const value = values[i]
      if (value === null || !Number.isFinite(value)) {
        this.values.push(value)
        continue
      }
      this.last = this.last * weight + (1 - weight) * value
      this.count++
      // The average starts at 0: dividing by 1 - w^n takes that bias out of early values.
      this.values.push(weight === 1 ? this.last : this.last / (1 - weight ** this.count))
    }
    return this.values
  }
}

// The whole column smoothed at once (a run loaded from the API, the tests).
/** @param {ArrayLike<number | null>} values @param {number} weight */
export function smooth(values, weight) {
  return new Smoothed().of(values, values, weight)
}
