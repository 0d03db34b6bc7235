"""Hostile-server suite: real loopback servers that drip, bomb, loop, lie and rate-limit."""
