"""An edge: a stateless server of viewers that reads the run log from Redis (`loopcast edge`)."""
