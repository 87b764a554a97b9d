// The end-to-end tests run one at a time: each starts real services, builds samples (two builds of one project at once can
// collide on its obj/ folder) and records with the real kernel; on a 2-core machine, in parallel, they would also starve each
// other's timeouts. Their total time is bounded by the demo test, which runs alone anyway.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
