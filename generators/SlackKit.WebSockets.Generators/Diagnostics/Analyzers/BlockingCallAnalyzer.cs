using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS007: a blocking call in the body of a handler method (<c>.Result</c>, <c>Task.Wait</c> in any overload,
    /// <c>Thread.Sleep</c>, <c>GetAwaiter().GetResult()</c>, synchronous waits on <c>SemaphoreSlim</c>, events,
    /// <c>WaitHandle</c>, <c>Monitor</c>, <c>Thread.Join</c>, <c>Process.WaitForExit</c>, <c>BlockingCollection.Take</c>):
    /// the mailbox waits, and so does every frame behind it.
    /// Code in a lambda or local function is not reported: it may run elsewhere (Task.Run).
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
            // Only handler classes are looked into: operation trees are built for their methods alone, not for
            // every method of the compilation.
            context.RegisterSymbolStartAction(
                start =>
                {
                    if (HandlerSymbols.IsHandlerClass((INamedTypeSymbol)start.Symbol))
                    {
                        start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
                        start.RegisterOperationAction(AnalyzePropertyReference, OperationKind.PropertyReference);
                    }
                },
                SymbolKind.NamedType);
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context) =>
            Report(context, BlockingCalls.Describe(((IInvocationOperation)context.Operation).TargetMethod));

        private static void AnalyzePropertyReference(OperationAnalysisContext context) =>
            Report(context, BlockingCalls.Describe(((IPropertyReferenceOperation)context.Operation).Property));

        private static void Report(OperationAnalysisContext context, string? what)
        {
            if (what is not null
                && !context.Operation.IsInsideFunction()
                && context.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                && method.ContainingType is { } type
                && HandlerSymbols.IsHandlerClass(type)
                && HandlerSignatures.GetCallbacks(method).Any())
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingCall, context.Operation.Syntax.GetLocation(), what, method.Name));
            }
        }
    }
}
