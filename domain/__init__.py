"""Pure domain model: aggregates, their events and errors. No I/O, no clock, no framework."""
