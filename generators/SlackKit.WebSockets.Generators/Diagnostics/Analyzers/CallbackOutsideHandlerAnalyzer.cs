using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>SKWS005: a callback attribute on a method of a class without [WebSocketHandler]: nothing would call it.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CallbackOutsideHandlerAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.CallbackOutsideHandler);

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
            if (method.ContainingType is not { TypeKind: TypeKind.Class } type || HandlerSymbols.IsHandlerClass(type))
            {
                return;
            }

            Callback? callback = HandlerSignatures.GetCallbacks(method).Cast<Callback?>().FirstOrDefault();
            if (callback is null)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.CallbackOutsideHandler,
                method.Locations.Length > 0 ? method.Locations[0] : Location.None,
                method.Name,
                HandlerSymbols.AttributeName(callback.Value),
                type.Name));
        }
    }
}
