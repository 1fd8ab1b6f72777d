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

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            IMethodSymbol target = ((IInvocationOperation)context.Operation).TargetMethod;
            string? what = (Owner(target.ContainingType), target.Name) switch
            {
                ("System.Threading.Tasks.Task", "Wait" or "WaitAll" or "WaitAny") => $"Task.{target.Name}()",
                ("System.Threading.Thread", "Sleep" or "Join") => $"Thread.{target.Name}()",
                (_, "GetResult") when IsAwaiter(target.ContainingType) => "GetAwaiter().GetResult()",
                // Synchronous waits on the primitives that have an asynchronous form (or none: then the wait belongs
                // off the mailbox altogether).
                ("System.Threading.SemaphoreSlim", "Wait") => "SemaphoreSlim.Wait()",
                ("System.Threading.ManualResetEventSlim", "Wait") => "ManualResetEventSlim.Wait()",
                ("System.Threading.CountdownEvent", "Wait") => "CountdownEvent.Wait()",
                ("System.Threading.Barrier", "SignalAndWait") => "Barrier.SignalAndWait()",
                ("System.Threading.WaitHandle", "WaitOne" or "WaitAll" or "WaitAny" or "SignalAndWait") => $"WaitHandle.{target.Name}()",
                ("System.Threading.Monitor", "Wait") => "Monitor.Wait()",
                ("System.Threading.SpinWait", "SpinUntil") => "SpinWait.SpinUntil()",
                ("System.Diagnostics.Process", "WaitForExit") => "Process.WaitForExit()",
                ("System.Collections.Concurrent.BlockingCollection<T>", "Take" or "TryTake" or "TakeFromAny" or "TryTakeFromAny")
                    when target.Parameters.Length > 0 || target.Name == "Take" => $"BlockingCollection.{target.Name}()",
                _ => null,
            };
            Report(context, what);
        }

        private static void AnalyzePropertyReference(OperationAnalysisContext context)
        {
            IPropertySymbol property = ((IPropertyReferenceOperation)context.Operation).Property;
            string owner = Owner(property.ContainingType);
            if (property.Name == "Result" && owner is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
            {
                Report(context, ".Result");
            }
        }

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

        /// <summary>TaskAwaiter, ValueTaskAwaiter, ConfiguredTaskAwaitable.ConfiguredTaskAwaiter and the like.</summary>
        private static bool IsAwaiter(INamedTypeSymbol? type) =>
            type is not null
            && type.Name.EndsWith("Awaiter", System.StringComparison.Ordinal)
            && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices";

        private static string Owner(INamedTypeSymbol? type) => type?.OriginalDefinition.ToDisplayString() ?? string.Empty;
    }
}
