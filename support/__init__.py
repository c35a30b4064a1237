"""What the tests and the benchmarks share: a real loopcast server in a subprocess and
viewers that talk to it (`support.live`)."""
