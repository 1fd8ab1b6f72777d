using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SlackKit.SocketMode.Generators.Model;

namespace SlackKit.SocketMode.Generators
{
    /// <summary>
    /// What a route method may look like, shared by the generator (which skips what it cannot call) and the analyzers
    /// (which say why): <c>([payload][, SlackContext][, CancellationToken])</c>, returning <c>void</c>, <c>Task</c> or
    /// <c>ValueTask</c>, or, for commands and interactions, a <c>SlackResponse</c> (directly or in a task).
    /// </summary>
    internal static class RouteSignatures
    {
        /// <summary>The payload types the package reads, by route kind (their <c>SlackJsonContext</c> property has the same name).</summary>
        private static readonly Dictionary<string, RouteKind> KnownPayloads = new()
        {
            ["AppMention"] = RouteKind.Event,
            ["MessageEvent"] = RouteKind.Event,
            ["ReactionAdded"] = RouteKind.Event,
            ["SlashCommand"] = RouteKind.SlashCommand,
            ["BlockActions"] = RouteKind.Interactive,
            ["ViewSubmission"] = RouteKind.Interactive,
        };

        /// <summary>The routes <paramref name="method"/>'s attributes declare, with the attribute (for its location).</summary>
        public static IEnumerable<(RouteKind Kind, string? Name, AttributeData Attribute)> GetRoutes(IMethodSymbol method)
        {
            foreach (AttributeData attribute in method.GetAttributes())
            {
                RouteKind? kind = attribute.AttributeClass?.ToDisplayString() switch
                {
                    KnownNames.SlackEventAttribute => RouteKind.Event,
                    KnownNames.SlashCommandAttribute => RouteKind.SlashCommand,
                    KnownNames.InteractiveAttribute => RouteKind.Interactive,
                    _ => null,
                };
                if (kind is { } k)
                {
                    string? name = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
                    yield return (k, name, attribute);
                }
            }
        }

        /// <summary>What a method of <paramref name="kind"/> may look like, for diagnostics.</summary>
        public static string Accepted(RouteKind kind)
        {
            string payloads = string.Join(", ", KnownPayloads.Where(p => p.Value == kind).Select(p => p.Key).Concat(new[] { "JsonElement", "a type of [SlackApp(JsonContext)]" }));
            string returns = kind == RouteKind.Event
                ? "void, Task or ValueTask"
                : "void, Task, ValueTask, SlackResponse, Task<SlackResponse> or ValueTask<SlackResponse>";
            return $"parameters ([{payloads}][, SlackContext][, CancellationToken]) in that order, returning {returns}";
        }

        /// <summary>The model of a route the generator can call; null (and why) when it cannot.</summary>
        public static RouteModel? TryGetModel(IMethodSymbol method, RouteKind kind, string name, OwnPayloads own, out string? problem)
        {
            problem = null;
            if (method.IsGenericMethod)
            {
                problem = "it is generic";
                return null;
            }

            string? payload = null;
            bool takesContext = false;
            bool takesToken = false;
            int stage = 0; // 0: payload may come, 1: context may come, 2: token may come, 3: nothing more
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                {
                    problem = $"its parameter '{parameter.Name}' is ref or out";
                    return null;
                }

                string metadataName = parameter.Type.OriginalDefinition.ToDisplayString();
                if (stage == 0 && metadataName == KnownNames.JsonElement)
                {
                    payload = "";
                    stage = 1;
                }
                else if (stage == 0 && parameter.Type.ContainingNamespace?.ToDisplayString() == KnownNames.PayloadsNamespace
                    && KnownPayloads.TryGetValue(parameter.Type.Name, out RouteKind payloadKind))
                {
                    if (payloadKind != kind)
                    {
                        problem = $"a {parameter.Type.Name} is not what {(kind == RouteKind.SlashCommand ? "a" : "an")} {Describe(kind)} carries";
                        return null;
                    }

                    payload = $"global::SlackKit.SocketMode.Payloads.SlackJsonContext.Default.{parameter.Type.Name}";
                    stage = 1;
                }
                else if (stage == 0 && own.TryGetTypeInfo(parameter.Type, out string typeInfo))
                {
                    payload = typeInfo;
                    stage = 1;
                }
                else if (stage <= 1 && metadataName == KnownNames.SlackContext)
                {
                    takesContext = true;
                    stage = 2;
                }
                else if (stage <= 2 && metadataName == KnownNames.CancellationToken)
                {
                    takesToken = true;
                    stage = 3;
                }
                else
                {
                    problem = $"its parameter '{parameter.Name}' ({parameter.Type.ToDisplayString()}) is not one it can be given, or not in its place";
                    return null;
                }
            }

            RouteReturn? returns = Return(method.ReturnType);
            if (returns is null)
            {
                problem = $"it returns {method.ReturnType.ToDisplayString()}";
                return null;
            }

            if (kind == RouteKind.Event && returns is RouteReturn.Response or RouteReturn.TaskOfResponse or RouteReturn.ValueTaskOfResponse)
            {
                problem = "an event is acked before its handler runs, so it has no response to return";
                return null;
            }

            return new RouteModel(kind, name, method.Name, payload, takesContext, takesToken, returns.Value);
        }

        /// <summary>"event", "slash command", "interaction".</summary>
        public static string Describe(RouteKind kind) => kind switch
        {
            RouteKind.Event => "event",
            RouteKind.SlashCommand => "slash command",
            _ => "interaction",
        };

        private static RouteReturn? Return(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_Void)
            {
                return RouteReturn.Void;
            }

            string name = type.OriginalDefinition.ToDisplayString();
            if (name == KnownNames.SlackResponse)
            {
                return RouteReturn.Response;
            }

            string metadata = type.OriginalDefinition is INamedTypeSymbol named
                ? named.ContainingNamespace.ToDisplayString() + "." + named.MetadataName
                : name;
            if (metadata == KnownNames.Task)
            {
                return RouteReturn.Task;
            }

            if (metadata == KnownNames.ValueTask)
            {
                return RouteReturn.ValueTask;
            }

            if (type is INamedTypeSymbol { TypeArguments.Length: 1 } generic
                && generic.TypeArguments[0].OriginalDefinition.ToDisplayString() == KnownNames.SlackResponse)
            {
                if (metadata == KnownNames.TaskOfT)
                {
                    return RouteReturn.TaskOfResponse;
                }

                if (metadata == KnownNames.ValueTaskOfT)
                {
                    return RouteReturn.ValueTaskOfResponse;
                }
            }

            return null;
        }
    }
}
