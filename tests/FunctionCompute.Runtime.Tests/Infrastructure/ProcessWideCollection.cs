namespace FunctionCompute.Runtime.Tests.Infrastructure;

/// <summary>
/// Tests that observe the whole process (they count its allocations, or listen to its event sources): nothing else may
/// run beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "process-wide observation";
}
