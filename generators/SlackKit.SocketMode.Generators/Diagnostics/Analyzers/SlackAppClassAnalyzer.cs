using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.SocketMode.Generators.Model;

namespace SlackKit.SocketMode.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// One [SlackApp] class at a time: SKSM006 (the generator cannot add a part to it: not partial, generic, static)
    /// and SKSM004 (two methods for one route; the first in source order wins).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SlackAppClassAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.UnsupportedAppClass,
            DiagnosticDescriptors.DuplicateRoute);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
        }

        private static void Analyze(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!SlackAppSymbols.IsSlackApp(type))
            {
                return;
            }

            string? problem = SlackAppRules.Problem(type);
            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedAppClass, type.Locations.FirstOrDefault(), type.Name, problem));
            }

            var first = new Dictionary<(RouteKind, string), IMethodSymbol>();
            foreach (IMethodSymbol method in SlackAppRules.Methods(type).OrderBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0))
            {
                foreach ((RouteKind kind, string? name, AttributeData attribute) in RouteSignatures.GetRoutes(method))
                {
                    if (string.IsNullOrEmpty(name))
                    {
                        continue;
                    }

                    if (first.TryGetValue((kind, name!), out IMethodSymbol? earlier))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateRoute, SlackAppSymbols.Where(attribute, method),
                            method.Name, RouteSignatures.Describe(kind), name, earlier.Name));
                    }
                    else
                    {
                        first[(kind, name!)] = method;
                    }
                }
            }
        }
    }
}
