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
            if (HandlerSymbols.IsHandlerClass(type) && !IsImplementable(context, type))
            {
                return;
            }

            // Each type reports its own declarations, so that every diagnostic is local to the symbol analyzed and
            // the IDE can offer the fix: the handler class itself, and each type that contains one.
            if (FirstHandlerWithin(type) is not { } handler)
            {
                return;
            }

            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration
                    && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.NotPartial, declaration.Identifier.GetLocation(), type.Name, handler.Name));
                }
            }
        }

        /// <summary>Reports SKWS008 for a handler class of a shape the generator never implements; true when it can be implemented.</summary>
        private static bool IsImplementable(SymbolAnalysisContext context, INamedTypeSymbol type)
        {
            if (HandlerClassRules.ShapeProblem(type) is { } why)
            {
                Report(context, type, why);
                return false;
            }

            return true;
        }

        /// <summary><paramref name="type"/> itself when it is a handler class, else the first handler class nested in it.</summary>
        private static INamedTypeSymbol? FirstHandlerWithin(INamedTypeSymbol type)
        {
            if (HandlerSymbols.IsHandlerClass(type))
            {
                return type;
            }

            foreach (INamedTypeSymbol nested in type.GetTypeMembers())
            {
                if (FirstHandlerWithin(nested) is { } handler)
                {
                    return handler;
                }
            }

            return null;
        }

        private static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, string why) =>
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UnsupportedHandlerClass, HandlerSymbols.IdentifierLocation(type, context.CancellationToken), type.Name, why));
    }
}
