"""The live stream: the run log, its fan-out to viewers, and the messages they are sent."""
