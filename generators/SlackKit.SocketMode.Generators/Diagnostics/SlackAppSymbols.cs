using System.Linq;
using Microsoft.CodeAnalysis;

namespace SlackKit.SocketMode.Generators.Diagnostics
{
    internal static class SlackAppSymbols
    {
        public static bool IsSlackApp(INamedTypeSymbol type) =>
            type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.SlackAppAttribute);

        /// <summary>Where an attribute is written (the method's name when it has no syntax).</summary>
        public static Location Where(AttributeData attribute, ISymbol fallback) =>
            attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? fallback.Locations.FirstOrDefault() ?? Location.None;
    }
}
