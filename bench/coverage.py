"""Which points a viewer was sent, kept as seq ranges: a bucket covers first..last, and a
run of 200,000 points sent in order is one range, however many viewers keep one."""


class Coverage:
    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []

    def add(self, first: int, last: int) -> None:
        if self.ranges and first == self.ranges[-1][1] + 1:  # the usual case: the next ones
            self.ranges[-1] = (self.ranges[-1][0], last)
        else:
            self.ranges.append((first, last))

    def add_seqs(self, seqs: list[int]) -> None:
        """A points message's seqs, as runs of consecutive ones."""
        start = 0
        for i in range(1, len(seqs) + 1):
            if i == len(seqs) or seqs[i] != seqs[i - 1] + 1:
                self.add(seqs[start], seqs[i - 1])
                start = i

    def distinct(self) -> int:
        """How many different seqs were sent."""
        count = reach = 0
        for first, last in sorted(self.ranges):
            if last > reach:
                count += last - max(first, reach + 1) + 1
                reach = last
        return count

    def tally(self, last_seq: int) -> tuple[int, int]:
        """(lost, duplicated) for a run of points 1..last_seq."""
        sent = sum(last - first + 1 for first, last in self.ranges)
        distinct = self.distinct()
        return max(0, last_seq - distinct), sent - distinct
