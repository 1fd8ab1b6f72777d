using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SlackKit.WebSockets.Generators
{
    /// <summary>
    /// Which [WebSocketHandler] classes the generator implements, asked in one place by the generator and by every
    /// analyzer, so that what is reported and what is generated never disagree: an instance class, not generic and
    /// not nested in a generic type, whose declarations, and those of every type containing it, are all partial.
    /// </summary>
    internal static class HandlerClassRules
    {
        /// <summary>Whether the generator implements <paramref name="type"/>.</summary>
        public static bool CanImplement(INamedTypeSymbol type)
        {
            if (ShapeProblem(type) is not null)
            {
                return false;
            }

            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                if (!IsPartial(t))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Why <paramref name="type"/> can never be a handler class whatever its modifiers (SKWS008), or null when
        /// its shape is one the generator implements (it may still lack <c>partial</c>: SKWS002).
        /// </summary>
        public static string? ShapeProblem(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Class)
            {
                return "only a class can be a handler";
            }

            if (type.IsStatic)
            {
                return "a static class has no instance to handle frames; make it an instance class";
            }

            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                if (t.IsGenericType)
                {
                    return SymbolEqualityComparer.Default.Equals(t, type)
                        ? "a generic class is not supported; derive a non-generic handler class from it"
                        : $"it is nested in the generic type '{t.Name}'; move it out";
                }
            }

            return null;
        }

        /// <summary>Whether every declaration of <paramref name="type"/> has the <c>partial</c> modifier.</summary>
        public static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences.All(reference =>
                reference.GetSyntax() is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

        /// <summary>
        /// The methods of <paramref name="type"/> in the one order the generator and the analyzers use: by file, then
        /// by position, so that partial parts in several files give one stable order (the first wins a duplicate).
        /// </summary>
        public static IEnumerable<IMethodSymbol> MethodsInSourceOrder(INamedTypeSymbol type) =>
            type.GetMembers().OfType<IMethodSymbol>().OrderBy(SourcePosition, PositionComparer);

        private static (string Path, int Position) SourcePosition(ISymbol symbol) =>
            symbol.Locations.FirstOrDefault(l => l.IsInSource) is { } location
                ? (location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan.Start)
                : (string.Empty, int.MaxValue);

        private static readonly IComparer<(string Path, int Position)> PositionComparer = Comparer<(string Path, int Position)>.Create(
            (a, b) => string.CompareOrdinal(a.Path, b.Path) is var byPath and not 0 ? byPath : a.Position.CompareTo(b.Position));
    }
}
