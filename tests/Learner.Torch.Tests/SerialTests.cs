// The live-tensor count and libtorch's thread count are process-wide: the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
