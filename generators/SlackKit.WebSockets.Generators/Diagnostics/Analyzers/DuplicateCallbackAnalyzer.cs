using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS004: two methods for one callback. Several [OnInfo] methods are fine while they take different message
    /// types; two for the same type are not. The generator would call only the first.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class DuplicateCallbackAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.DuplicateCallback);

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

            var first = new Dictionary<(Callback, string?), IMethodSymbol>();
            foreach ((IMethodSymbol method, Callback callback) in HandlerSymbols.CallbackMethods(type))
            {
                string? messageType = null;
                if (callback == Callback.Info)
                {
                    // An [OnInfo] method is keyed by its message type; one the generator cannot call is SKWS003's.
                    if (HandlerSignatures.TryGetModel(method, callback, out _) is not { } model)
                    {
                        continue;
                    }

                    messageType = model.MessageType;
                }

                if (!first.TryGetValue((callback, messageType), out IMethodSymbol? earlier))
                {
                    first.Add((callback, messageType), method);
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateCallback,
                    method.Locations.Length > 0 ? method.Locations[0] : Location.None,
                    method.Name,
                    HandlerSymbols.AttributeName(callback),
                    messageType is null ? string.Empty : $" for messages of type {messageType.Replace("global::", string.Empty)}",
                    earlier.Name));
            }
        }
    }
}
