// Test data: envelope buckets as the stream sends them, from [first_seq, last_seq] pairs.
/** @param {[number, number][]} ranges */
export function bucketColumns(ranges) {
  return {
    first_seq: ranges.map(([first]) => first),
    last_seq: ranges.map(([, last]) => last),
    loss_min: ranges.map(() => 0.2),
    loss_max: ranges.map(() => 0.8),
    loss_mean: ranges.map(() => 0.5),
    acc_mean: ranges.map(() => 0.9),
    t: ranges.map(([, last]) => last / 10),
  }
}
