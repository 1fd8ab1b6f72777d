using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS002: a [WebSocketHandler] class, or a type containing it, is not partial. SKWS008: the class is generic
    /// (or nested in a generic type) or static. The generator implements neither.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class HandlerClassAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.NotPartial, DiagnosticDescriptors.UnsupportedHandlerClass);

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
            if (!HandlerSymbols.IsHandlerClass(type))
            {
                return;
            }

            if (type.IsStatic)
            {
                Report(context, type, "a static class has no instance to handle frames; make it an instance class");
                return;
            }

            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                if (t.IsGenericType)
                {
                    Report(context, type, t.Equals(type, SymbolEqualityComparer.Default)
                        ? "a generic class is not supported; derive a non-generic handler class from it"
                        : $"it is nested in the generic type '{t.Name}'; move it out");
                    return;
                }
            }

            for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
            {
                foreach (SyntaxReference reference in t.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration
                        && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.NotPartial, declaration.Identifier.GetLocation(), t.Name, type.Name));
                    }
                }
            }
        }

        private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, string why) =>
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UnsupportedHandlerClass, HandlerSymbols.IdentifierLocation(type, context.CancellationToken), type.Name, why));
    }
}
