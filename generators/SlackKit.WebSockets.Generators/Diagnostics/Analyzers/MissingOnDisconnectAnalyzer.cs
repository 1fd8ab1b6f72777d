using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS001: a handler with no [OnDisconnect]. The message says what the client does instead, as contract row 1
    /// decides for the InitResult that [OnInit] returns (read from its return statements when they all agree).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class MissingOnDisconnectAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.MissingOnDisconnect);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolStartAction(OnClassStart, SymbolKind.NamedType);
        }

        private static void OnClassStart(SymbolStartAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!HandlerSymbols.IsHandlerClass(type) || HandlerClassRules.ShapeProblem(type) is not null)
            {
                return;
            }

            var methods = HandlerSymbols.CallbackMethods(type).ToList();
            if (methods.Any(m => m.Callback == Callback.Disconnect))
            {
                return;
            }

            IMethodSymbol? onInit = methods.FirstOrDefault(m => m.Callback == Callback.Init).Method;
            var returned = new ConcurrentBag<string?>();
            if (onInit is not null && !onInit.ReturnsVoid)
            {
                context.RegisterOperationBlockAction(block =>
                {
                    if (SymbolEqualityComparer.Default.Equals(block.OwningSymbol, onInit))
                    {
                        foreach (IOperation operation in block.OperationBlocks)
                        {
                            foreach (string? name in ReturnedInitResults(operation))
                            {
                                returned.Add(name);
                            }
                        }
                    }
                });
            }

            context.RegisterSymbolEndAction(end =>
            {
                string init = onInit is null || onInit.ReturnsVoid
                    ? "Reconnect"
                    : returned.Distinct().ToList() is { Count: 1 } one && one[0] is { } name ? name : "Unknown";
                string outcome = init switch
                {
                    "Reconnect" => "reconnect, with backoff (InitResult.Reconnect)",
                    "Ok" => "terminate (InitResult.Ok)",
                    "Once" => "terminate (InitResult.Once)",
                    _ => "do what the InitResult that [OnInit] returns decides (reconnect for Reconnect, terminate for Ok and Once)",
                };
                end.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MissingOnDisconnect,
                    HandlerSymbols.IdentifierLocation(type, end.CancellationToken),
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.InitResultProperty, init),
                    type.Name,
                    outcome));
            });
        }

        /// <summary>The InitResult member each return statement names, or null for one that is not a constant member.</summary>
        private static IEnumerable<string?> ReturnedInitResults(IOperation root)
        {
            foreach (IOperation operation in root.DescendantsAndSelf())
            {
                if (operation is IReturnOperation { ReturnedValue: { } value } && !operation.IsInsideFunction(root))
                {
                    yield return value is IFieldReferenceOperation { Field: { ContainingType: { } owner } field }
                        && owner.ToDisplayString() == KnownNames.InitResult
                        ? field.Name
                        : null;
                }
            }
        }
    }
}
