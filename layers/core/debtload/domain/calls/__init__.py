"""Call runs: the calls the customers bulk's initiateCall starts, and the InitiateCalls workflow's
tasks (plan, dispatch a batch, record a failed batch, summarize, fail the run)."""
