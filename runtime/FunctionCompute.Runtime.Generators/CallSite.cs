using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FunctionCompute.Runtime.Generators;

/// <summary>A diagnostic to report, kept as data until the output step.</summary>
internal sealed record Problem(DiagnosticDescriptor Descriptor, Location Location, string[] Args)
{
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, Args);

    public bool Equals(Problem? other) => other is not null && Descriptor.Id == other.Descriptor.Id && Location.Equals(other.Location) && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => Descriptor.Id.GetHashCode() ^ Location.GetHashCode();
}

/// <summary>
/// One intercepted <c>MapEvent</c> call: where it is (its sort key and <c>[InterceptsLocation]</c>), the interceptor's
/// signature and body, and the problems found. Compared by value, so an edit elsewhere leaves the output cached.
/// </summary>
internal sealed record CallSite(string SortKey, string Where, string Attribute, string Signature, string Body, Problem[] Problems)
{
    public bool HasErrors => Problems.Any(p => p.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);

    public bool Equals(CallSite? other) => other is not null && SortKey == other.SortKey && Where == other.Where && Attribute == other.Attribute
        && Signature == other.Signature && Body == other.Body && Problems.SequenceEqual(other.Problems);

    public override int GetHashCode() => SortKey.GetHashCode() ^ Body.GetHashCode();
}

/// <summary>Collects the problems of one call site.</summary>
internal sealed class ProblemList(Location location)
{
    public List<Problem> Items { get; } = [];

    public Location Location { get; } = location;

    public void Add(DiagnosticDescriptor descriptor, params string[] args) => Items.Add(new Problem(descriptor, Location, args));
}
