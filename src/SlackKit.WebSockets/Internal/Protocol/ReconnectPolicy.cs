using System.Net;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>What the client does after a disconnect.</summary>
internal enum ReconnectAction
{
    /// <summary>Connect again after <see cref="ReconnectDecision.Delay"/>.</summary>
    Reconnect,

    /// <summary>Stay disconnected, alive, until <c>ConnectAsync()</c>.</summary>
    Stay,

    /// <summary>Terminate, closed with <see cref="ReconnectDecision.Reason"/>.</summary>
    Terminate,
}

internal readonly record struct ReconnectDecision(ReconnectAction Action, TimeSpan Delay = default, string? Reason = null);

/// <summary>
/// Contract rows 1 and 8, with no I/O and no clock: what <see cref="InitResult"/>, the <see cref="DisconnectResult"/>
/// that <c>[OnDisconnect]</c> returned and the <see cref="DisconnectReason"/> add up to.
/// </summary>
internal static class ReconnectPolicy
{
    /// <summary>Decides; takes the next backoff wait from <paramref name="backoff"/> when it reconnects with backoff.</summary>
    public static ReconnectDecision Decide(InitResult init, DisconnectResult decision, DisconnectReason reason, ref Backoff backoff)
    {
        if (init == InitResult.Once)
        {
            return new(ReconnectAction.Terminate, Reason: reason.Message); // row 1: never reconnects
        }

        // Row 8: a 429 or 503 with Retry-After waits at least that long, whatever was decided.
        TimeSpan atLeast = reason.RetryAfter ?? TimeSpan.Zero;
        switch (decision.Action)
        {
            case DisconnectAction.Default:
                // Row 1: no [OnDisconnect] (or its default). Row 8: a refused 401/403 will be refused again.
                bool unauthorized = reason.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                return init == InitResult.Reconnect && !unauthorized
                    ? new(ReconnectAction.Reconnect, Max(backoff.Next(), atLeast))
                    : new(ReconnectAction.Terminate, Reason: reason.Message);
            case DisconnectAction.Reconnect:
                return new(ReconnectAction.Reconnect, Max(backoff.Next(), atLeast));
            case DisconnectAction.ReconnectAfter:
                return new(ReconnectAction.Reconnect, Max(decision.Delay, atLeast));
            case DisconnectAction.Terminate:
                return new(ReconnectAction.Terminate, Reason: decision.Reason);
            default:
                return new(ReconnectAction.Stay);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
