using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS003: a handler method the generator cannot call, with what is accepted. SKWS006: an async void handler,
    /// which the generator can call but the client cannot wait for. Both use the generator's own rules.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class HandlerSignatureAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.UncallableSignature, DiagnosticDescriptors.AsyncVoidHandler);

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
            if (method.ContainingType is not { } type || !HandlerSymbols.IsHandlerClass(type))
            {
                return;
            }

            Location location = method.Locations.Length > 0 ? method.Locations[0] : Location.None;
            bool any = false;
            foreach (Callback callback in HandlerSignatures.GetCallbacks(method))
            {
                any = true;
                if (HandlerSignatures.TryGetModel(method, callback, out _, out string? problem) is null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UncallableSignature,
                        location,
                        method.Name,
                        HandlerSymbols.AttributeName(callback),
                        problem,
                        HandlerSignatures.Describe(callback)));
                }
            }

            if (any && method.IsAsync && method.ReturnsVoid)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncVoidHandler, location, method.Name));
            }
        }
    }
}
