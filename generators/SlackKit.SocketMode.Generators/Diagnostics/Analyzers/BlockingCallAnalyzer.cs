using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlackKit.WebSockets.Generators.Diagnostics;

namespace SlackKit.SocketMode.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKSM005: a blocking call (the client's list, <see cref="BlockingCalls"/>) in the body of a route method of a
    /// [SlackApp] class. Code in a lambda or local function is not reported: it may run elsewhere.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.BlockingCall);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            // Operation trees are built for [SlackApp] classes only.
            context.RegisterSymbolStartAction(
                start =>
                {
                    if (SlackAppSymbols.IsSlackApp((INamedTypeSymbol)start.Symbol))
                    {
                        start.RegisterOperationAction(c => Report(c, BlockingCalls.Describe(((IInvocationOperation)c.Operation).TargetMethod)), OperationKind.Invocation);
                        start.RegisterOperationAction(c => Report(c, BlockingCalls.Describe(((IPropertyReferenceOperation)c.Operation).Property)), OperationKind.PropertyReference);
                    }
                },
                SymbolKind.NamedType);
        }

        private static void Report(OperationAnalysisContext context, string? what)
        {
            if (what is not null
                && !context.Operation.IsInsideFunction()
                && context.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                && RouteSignatures.GetRoutes(method).Any())
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingCall, context.Operation.Syntax.GetLocation(), what, method.Name));
            }
        }
    }
}
