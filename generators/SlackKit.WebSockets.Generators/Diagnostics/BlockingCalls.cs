using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Diagnostics
{
    /// <summary>
    /// The calls that block a thread until something else happens: <c>.Result</c>, <c>Task.Wait</c> in any overload,
    /// <c>Thread.Sleep</c>, <c>GetAwaiter().GetResult()</c>, synchronous waits on <c>SemaphoreSlim</c>, events,
    /// <c>WaitHandle</c>, <c>Monitor</c>, <c>Thread.Join</c>, <c>Process.WaitForExit</c>, <c>BlockingCollection.Take</c>.
    /// Shared by the client's SKWS007 and Socket Mode's SKSM005 (the file is compiled into both generators).
    /// </summary>
    internal static class BlockingCalls
    {
        /// <summary>How to name <paramref name="target"/> in a diagnostic when calling it blocks; null when it does not.</summary>
        public static string? Describe(IMethodSymbol target) => (Owner(target.ContainingType), target.Name) switch
        {
            ("System.Threading.Tasks.Task", "Wait" or "WaitAll" or "WaitAny") => $"Task.{target.Name}()",
            ("System.Threading.Thread", "Sleep" or "Join") => $"Thread.{target.Name}()",
            (_, "GetResult") when IsAwaiter(target.ContainingType) => "GetAwaiter().GetResult()",
            // Synchronous waits on the primitives that have an asynchronous form (or none: then the wait belongs
            // elsewhere altogether).
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

        /// <summary>".Result" for a task's result read before it completes; null for any other property.</summary>
        public static string? Describe(IPropertySymbol property) =>
            property.Name == "Result" && Owner(property.ContainingType) is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>"
                ? ".Result"
                : null;

        /// <summary>TaskAwaiter, ValueTaskAwaiter, ConfiguredTaskAwaitable.ConfiguredTaskAwaiter and the like.</summary>
        private static bool IsAwaiter(INamedTypeSymbol? type) =>
            type is not null
            && type.Name.EndsWith("Awaiter", System.StringComparison.Ordinal)
            && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices";

        private static string Owner(INamedTypeSymbol? type) => type?.OriginalDefinition.ToDisplayString() ?? string.Empty;
    }
}
