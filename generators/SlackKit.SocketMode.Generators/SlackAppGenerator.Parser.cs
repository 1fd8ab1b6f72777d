using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SlackKit.SocketMode.Generators.Model;
using SlackKit.WebSockets.Generators.Helpers;

namespace SlackKit.SocketMode.Generators
{
    public sealed partial class SlackAppGenerator
    {
        /// <summary>Symbols to model.</summary>
        internal static class Parser
        {
            public static SlackAppModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                if (context.TargetSymbol is not INamedTypeSymbol type || !SlackAppRules.CanImplement(type))
                {
                    return null;
                }

                var routes = new List<RouteModel>();
                OwnPayloads own = OwnPayloads.Of(type);
                foreach (IMethodSymbol method in SlackAppRules.Methods(type))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach ((RouteKind kind, string? name, AttributeData _) in RouteSignatures.GetRoutes(method))
                    {
                        // A route without a name, a second one of a name, or a method it cannot call are the analyzers'
                        // to report (as errors), so these choices never reach a build.
                        if (string.IsNullOrEmpty(name) || routes.Any(r => r.Kind == kind && r.Name == name))
                        {
                            continue;
                        }

                        RouteModel? route = RouteSignatures.TryGetModel(method, kind, name!, own, out _);
                        if (route is not null)
                        {
                            routes.Add(route);
                        }
                    }
                }

                return new SlackAppModel(
                    type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
                    ContainingTypes(type).Select(Declaration).ToEquatableArray(),
                    Declaration(type),
                    type.ToDisplayString(),
                    HintName(type),
                    routes.ToEquatableArray());
            }

            private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
            {
                var chain = new Stack<INamedTypeSymbol>();
                for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
                {
                    chain.Push(t);
                }

                return chain;
            }

            private static string Declaration(INamedTypeSymbol type)
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

            private static string HintName(INamedTypeSymbol type)
            {
                var parts = new Stack<string>();
                for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
                {
                    parts.Push(t.Name);
                }

                string name = string.Join(".", parts);
                return type.ContainingNamespace.IsGlobalNamespace
                    ? $"{name}.SlackApp.g.cs"
                    : $"{type.ContainingNamespace.ToDisplayString()}.{name}.SlackApp.g.cs";
            }
        }
    }
}
