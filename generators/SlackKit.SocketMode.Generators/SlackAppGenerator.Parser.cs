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
                    PartialTypes.ContainingTypes(type).Select(PartialTypes.Declaration).ToEquatableArray(),
                    PartialTypes.Declaration(type),
                    type.ToDisplayString(),
                    PartialTypes.HintName(type, "SlackApp"),
                    routes.ToEquatableArray());
            }
        }
    }
}
