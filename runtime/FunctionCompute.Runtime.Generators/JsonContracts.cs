using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FunctionCompute.Runtime.Generators;

/// <summary>
/// The types some <c>JsonSerializerContext</c> declares with <c>[JsonSerializable(typeof(T))]</c>: those of the compilation
/// itself, and those of the assembly a type comes from (a library ships its types' context beside them, as
/// FunctionCompute.Events does). What the app registers at run time is beyond the generator's sight: it warns, no more.
/// </summary>
internal static class JsonContracts
{
    private const string ContextType = "System.Text.Json.Serialization.JsonSerializerContext";
    private const string SerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    private static readonly ConditionalWeakTable<IAssemblySymbol, HashSet<string>> Declared = new();

    /// <summary>Whether <paramref name="type"/> has a contract the generator can see.</summary>
    public static bool IsDeclared(ITypeSymbol type, Compilation compilation)
    {
        // Primitives and strings are in every context's closure (any property of that type brings them).
        if (type.SpecialType != SpecialType.None) return true;
        var key = Key(type);
        if (Of(compilation.Assembly).Contains(key)) return true;
        return type.ContainingAssembly is { } assembly
            && !SymbolEqualityComparer.Default.Equals(assembly, compilation.Assembly)
            && Of(assembly).Contains(key);
    }

    /// <summary>The name a type is compared by: fully qualified, nullable annotations left out.</summary>
    public static string Key(ITypeSymbol type) =>
        (type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private static HashSet<string> Of(IAssemblySymbol assembly) => Declared.GetValue(assembly, static a =>
    {
        var found = new HashSet<string>();
        Walk(a.GlobalNamespace, found);
        return found;
    });

    private static void Walk(INamespaceOrTypeSymbol container, HashSet<string> found)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                Walk(ns, found);
            }
            else if (member is INamedTypeSymbol type)
            {
                if (IsContext(type)) Collect(type, found);
                if (type.GetTypeMembers().Length > 0) Walk(type, found);
            }
        }
    }

    private static bool IsContext(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == ContextType) return true;
        }
        return false;
    }

    private static void Collect(INamedTypeSymbol context, HashSet<string> found)
    {
        foreach (var attribute in context.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == SerializableAttribute
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is ITypeSymbol declared)
            {
                found.Add(Key(declared));
            }
        }
    }
}
