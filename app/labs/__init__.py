"""Laboratory results: unit normalisation (shared with screening), CTCAE v5.0 grading, the HAIC
go/no-go (readiness) and laboratory AE candidates (issue 13)."""
