using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Helpers
{
    /// <summary>
    /// How a generator adds a part to a partial type: the types it is nested in, how each part begins, and the
    /// generated file's name. Shared by both generators (this file is compiled into each).
    /// </summary>
    internal static class PartialTypes
    {
        /// <summary>The types <paramref name="type"/> is nested in, outermost first.</summary>
        public static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
        {
            var chain = new Stack<INamedTypeSymbol>();
            for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                chain.Push(t);
            }

            return chain;
        }

        /// <summary>How a partial part of <paramref name="type"/> begins: "partial class Bot", "partial record struct Outer".</summary>
        public static string Declaration(INamedTypeSymbol type)
        {
            string keyword = (type.IsRecord, type.TypeKind) switch
            {
                (true, TypeKind.Struct) => "record struct",
                (true, _) => "record",
                (false, TypeKind.Struct) => "struct",
                (false, TypeKind.Interface) => "interface",
                _ => "class",
            };
            return $"partial {keyword} {type.Name}";
        }

        /// <summary>The generated file's name: "Namespace.Outer.Type.{suffix}.g.cs".</summary>
        public static string HintName(INamedTypeSymbol type, string suffix)
        {
            var parts = new Stack<string>();
            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                parts.Push(t.Name);
            }

            string name = string.Join(".", parts);
            return type.ContainingNamespace.IsGlobalNamespace
                ? $"{name}.{suffix}.g.cs"
                : $"{type.ContainingNamespace.ToDisplayString()}.{name}.{suffix}.g.cs";
        }
    }
}
