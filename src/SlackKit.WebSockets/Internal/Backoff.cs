namespace SlackKit.WebSockets.Internal;

/// <summary>
/// Reconnect waits (contract row 8): the first is random in [0, initial), each further one doubles up to the cap with
/// jitter (a random time in its upper half), and <see cref="Reset"/> starts again once a connection has held. A struct,
/// kept in the client's own field: most clients never reconnect.
/// </summary>
internal struct Backoff(TimeSpan initial, TimeSpan cap, Random random)
{
    private int _attempt;

    /// <summary>How many waits were taken since the last reset.</summary>
    public readonly int Attempts => _attempt;

    public TimeSpan Next()
    {
        int attempt = _attempt;
        _attempt = Math.Min(attempt + 1, 62);
        if (attempt == 0)
        {
            return initial * random.NextDouble();
        }

        double ceiling = Math.Min(cap.Ticks, initial.Ticks * Math.Pow(2, attempt));
        return TimeSpan.FromTicks((long)(ceiling * (0.5 + (random.NextDouble() / 2))));
    }

    public void Reset() => _attempt = 0;
}
