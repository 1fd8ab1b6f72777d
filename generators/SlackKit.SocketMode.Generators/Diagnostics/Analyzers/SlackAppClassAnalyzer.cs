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

            string? problem =
                type.IsStatic ? "it is static; the app is an instance" :
                type.IsGenericType ? "it is generic" :
                !SlackAppRules.IsPartial(type) ? "it is not partial; add the partial modifier so that the generator can implement ISlackApp" :
                ContainingProblem(type);
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

        private static string? ContainingProblem(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                if (!SlackAppRules.IsPartial(t))
                {
                    return $"the type it is nested in, '{t.Name}', is not partial";
                }

                if (t.IsGenericType)
                {
                    return $"the type it is nested in, '{t.Name}', is generic";
                }
            }

            return null;
        }
    }
}
