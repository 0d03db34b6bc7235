"""A generated hostile web on loopback, and a driver that runs `newsflow run` against it many times.

See tests/world/README.md for the API: `WorldSpec` -> `World` (servers, DNS, ground truth) ->
`WorldDriver` (consecutive runs in compressed time, invariants checked after each).
"""
