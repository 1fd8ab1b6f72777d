using System.Runtime.CompilerServices;

namespace SlackKit.WebSockets.Internal;

/// <summary>How the long-running loops (a mailbox, a receiver, a writer, a keepalive) begin.</summary>
internal static class Loop
{
    /// <summary>
    /// Awaited first by every loop: the rest of it runs on the thread pool, never on the thread that started it nor on
    /// that thread's synchronization context, and the loop's own task is the only thing allocated (where
    /// <c>Task.Run</c> of an async method adds a promise that unwraps it, held for the loop's life).
    /// </summary>
    public static ConfiguredTaskAwaitable Start => Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
}
