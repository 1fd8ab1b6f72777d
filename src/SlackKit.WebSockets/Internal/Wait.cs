namespace SlackKit.WebSockets.Internal;

/// <summary>Waiting on the client's clock until a moment computed from timestamps.</summary>
internal static class Wait
{
    /// <summary>
    /// Waits at least <paramref name="span"/>. Timers count whole milliseconds and drop a fraction, so a wait of
    /// 0.4 ms would end at once and a loop that waits "until it is time" would spin until it is; this rounds up.
    /// </summary>
    public static Task AtLeast(TimeSpan span, TimeProvider time, CancellationToken cancellationToken) =>
        Task.Delay(RoundUp(span), time, cancellationToken);

    /// <summary><paramref name="span"/> rounded up to a whole millisecond.</summary>
    public static TimeSpan RoundUp(TimeSpan span) =>
        TimeSpan.FromTicks((span.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond);
}
