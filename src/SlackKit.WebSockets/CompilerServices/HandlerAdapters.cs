using System.ComponentModel;

namespace SlackKit.WebSockets.CompilerServices;

/// <summary>
/// Turns what a handler method returns into what <see cref="IWebSocketHandler"/> returns. Called by generated code;
/// not meant to be called by hand. A task that has already completed is converted without allocating.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HandlerAdapters
{
    /// <summary>A <see cref="Task"/> handler: <see cref="HandlerResult.Ok"/> once it completes.</summary>
    public static ValueTask<HandlerResult> Ok(Task task) =>
        task.IsCompletedSuccessfully ? default : AwaitOk(task);

    /// <summary>A <see cref="ValueTask"/> handler: <see cref="HandlerResult.Ok"/> once it completes.</summary>
    public static ValueTask<HandlerResult> Ok(ValueTask task) =>
        task.IsCompletedSuccessfully ? default : AwaitOk(task);

    /// <summary>A <c>Task&lt;WebSocketFrame?&gt;</c> handler: a reply, or Ok for <see langword="null"/>.</summary>
    public static ValueTask<HandlerResult> Reply(Task<WebSocketFrame?> task) =>
        task.IsCompletedSuccessfully ? new(HandlerResult.FromReply(task.Result)) : AwaitReply(task);

    /// <summary>A <c>ValueTask&lt;WebSocketFrame?&gt;</c> handler: a reply, or Ok for <see langword="null"/>.</summary>
    public static ValueTask<HandlerResult> Reply(ValueTask<WebSocketFrame?> task) =>
        task.IsCompletedSuccessfully ? new(HandlerResult.FromReply(task.Result)) : AwaitReply(task);

    /// <summary>A <c>Task&lt;WebSocketFrame&gt;</c> handler: always a reply.</summary>
    public static ValueTask<HandlerResult> Reply(Task<WebSocketFrame> task) =>
        task.IsCompletedSuccessfully ? new(HandlerResult.Reply(task.Result)) : AwaitReply(task);

    /// <summary>A <c>ValueTask&lt;WebSocketFrame&gt;</c> handler: always a reply.</summary>
    public static ValueTask<HandlerResult> Reply(ValueTask<WebSocketFrame> task) =>
        task.IsCompletedSuccessfully ? new(HandlerResult.Reply(task.Result)) : AwaitReply(task);

    private static async ValueTask<HandlerResult> AwaitOk(Task task)
    {
        await task.ConfigureAwait(false);
        return HandlerResult.Ok;
    }

    private static async ValueTask<HandlerResult> AwaitOk(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return HandlerResult.Ok;
    }

    private static async ValueTask<HandlerResult> AwaitReply(Task<WebSocketFrame?> task) =>
        HandlerResult.FromReply(await task.ConfigureAwait(false));

    private static async ValueTask<HandlerResult> AwaitReply(ValueTask<WebSocketFrame?> task) =>
        HandlerResult.FromReply(await task.ConfigureAwait(false));

    private static async ValueTask<HandlerResult> AwaitReply(Task<WebSocketFrame> task) =>
        HandlerResult.Reply(await task.ConfigureAwait(false));

    private static async ValueTask<HandlerResult> AwaitReply(ValueTask<WebSocketFrame> task) =>
        HandlerResult.Reply(await task.ConfigureAwait(false));
}
