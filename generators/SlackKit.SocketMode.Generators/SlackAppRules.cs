using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SlackKit.SocketMode.Generators
{
    /// <summary>Which <c>[SlackApp]</c> classes the generator can implement, shared with the analyzers.</summary>
    internal static class SlackAppRules
    {
        /// <summary>Partial (with every containing type), not generic, not static: a part can be added to it.</summary>
        public static bool CanImplement(INamedTypeSymbol type) => Problem(type) is null;

        /// <summary>Why the generator cannot add a part to <paramref name="type"/> (SKSM006's words); null when it can.</summary>
        public static string? Problem(INamedTypeSymbol type)
        {
            if (type.IsStatic)
            {
                return "it is static; the app is an instance";
            }

            if (type.IsGenericType)
            {
                return "it is generic";
            }

            if (!IsPartial(type))
            {
                return "it is not partial; add the partial modifier so that the generator can implement ISlackApp";
            }

            foreach (INamedTypeSymbol containing in Containing(type))
            {
                if (!IsPartial(containing))
                {
                    return $"the type it is nested in, '{containing.Name}', is not partial";
                }

                if (containing.IsGenericType)
                {
                    return $"the type it is nested in, '{containing.Name}', is generic";
                }
            }

            return null;
        }

        public static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)));

        /// <summary>The class's own methods, in source order.</summary>
        public static IEnumerable<IMethodSymbol> Methods(INamedTypeSymbol type) =>
            type.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary);

        private static IEnumerable<INamedTypeSymbol> Containing(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                yield return t;
            }
        }
    }
}
