using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics
{
    /// <summary>Questions the analyzers ask of symbols, answered the way the generator answers them.</summary>
    internal static class HandlerSymbols
    {
        public static bool IsHandlerClass(INamedTypeSymbol type) =>
            type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.WebSocketHandlerAttribute);

        /// <summary>The attribute's name as a user writes it: OnText, OnDisconnect...</summary>
        public static string AttributeName(Callback callback) => "On" + callback;

        /// <summary>The methods of <paramref name="type"/> that carry a callback attribute, in source order, with their callbacks.</summary>
        public static IEnumerable<(IMethodSymbol Method, Callback Callback)> CallbackMethods(INamedTypeSymbol type) =>
            HandlerClassRules.MethodsInSourceOrder(type)
                .SelectMany(m => HandlerSignatures.GetCallbacks(m).Select(c => (m, c)));

        /// <summary>Where to point at a type: the identifier of its first declaration.</summary>
        public static Location IdentifierLocation(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration)
                {
                    return declaration.Identifier.GetLocation();
                }
            }

            return type.Locations.FirstOrDefault() ?? Location.None;
        }
    }
}
