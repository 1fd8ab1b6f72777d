namespace SlackKit.SocketMode.Internal;

/// <summary>
/// The ids of the work already taken (event ids, else envelope ids), so that Slack's retries and the same envelope on
/// two connections reach a handler once. Bounded: past <c>capacity</c> ids the oldest is forgotten (Slack retries
/// within minutes; the default 10,000 covers far more than that at a bot's rates).
/// </summary>
/// <remarks>Thread-safe (one lock): every connection's mailbox claims here.</remarks>
internal sealed class Deduper(int capacity)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count;
            }
        }
    }

    /// <summary>True the first time <paramref name="id"/> is seen; false for a duplicate.</summary>
    public bool TryClaim(string id)
    {
        lock (_gate)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    /// <summary>
    /// Forgets <paramref name="id"/> (an envelope refused for now, whose retry must be handled). Its place in the order
    /// stays: should it be claimed again, it is forgotten a little early.
    /// </summary>
    public void Forget(string id)
    {
        lock (_gate)
        {
            _seen.Remove(id);
        }
    }
}
