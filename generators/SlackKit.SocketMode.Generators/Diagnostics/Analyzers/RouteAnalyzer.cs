using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.SocketMode.Generators.Model;

namespace SlackKit.SocketMode.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// One route attribute at a time: SKSM001 (an event or interaction type Slack does not send, with the known name
    /// it is a typo of), SKSM002 (a command Slack cannot send), SKSM003 (a method the generator cannot call, saying
    /// what it accepts) and SKSM007 (a route in a class without [SlackApp]).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RouteAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UnknownRouteName,
            DiagnosticDescriptors.BadCommand,
            DiagnosticDescriptors.UncallableRoute,
            DiagnosticDescriptors.RouteOutsideApp);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(Analyze, SymbolKind.Method);
        }

        private static void Analyze(SymbolAnalysisContext context)
        {
            var method = (IMethodSymbol)context.Symbol;
            foreach ((RouteKind kind, string? name, AttributeData attribute) in RouteSignatures.GetRoutes(method))
            {
                Location where = SlackAppSymbols.Where(attribute, method);
                string attributeName = attribute.AttributeClass!.Name.Replace("Attribute", "");
                if (!SlackAppSymbols.IsSlackApp(method.ContainingType))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RouteOutsideApp, where, method.Name, attributeName, method.ContainingType.Name));
                    continue;
                }

                string shown = name ?? "";
                if (kind == RouteKind.SlashCommand)
                {
                    string? problem = CommandProblem(shown);
                    if (problem is not null)
                    {
                        string suggestion = "/" + new string(shown.TrimStart('/').Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BadCommand, where,
                            ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.SuggestionProperty, suggestion.Length > 1 ? suggestion : null),
                            shown, problem));
                        continue;
                    }
                }
                else
                {
                    var known = kind == RouteKind.Event ? KnownSlackNames.EventTypes : KnownSlackNames.InteractionTypes;
                    if (!known.Contains(shown))
                    {
                        string? closest = KnownSlackNames.Closest(shown, known);
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownRouteName, where,
                            ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.SuggestionProperty, closest),
                            shown, kind == RouteKind.Event ? "an event" : "an interaction", closest is null ? "" : $" (did you mean '{closest}'?)"));
                    }
                }

                if (!string.IsNullOrEmpty(name) && RouteSignatures.TryGetModel(method, kind, name!, OwnPayloads.Of(method.ContainingType), out string? why) is null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UncallableRoute, method.Locations.FirstOrDefault(),
                        method.Name, RouteSignatures.Describe(kind), shown, why, RouteSignatures.Accepted(kind)));
                }
            }
        }

        /// <summary>Why Slack cannot send <paramref name="command"/>; null when it can.</summary>
        private static string? CommandProblem(string command)
        {
            if (!command.StartsWith("/", System.StringComparison.Ordinal))
            {
                return "a command starts with '/'";
            }

            if (command.Length < 2)
            {
                return "a command has a name after its '/'";
            }

            if (command.Any(char.IsWhiteSpace))
            {
                return "a command has no spaces (what the user types after it is the command's text)";
            }

            if (command.Any(char.IsUpper))
            {
                return "Slack's commands are lowercase";
            }

            return command.Length > 32 ? "a command is at most 32 characters" : null;
        }
    }
}
