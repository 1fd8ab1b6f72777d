namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The receive pump's places in the mailbox: a count of credits with one waiter (the pump), taken before a message
/// is read and given back once its handler is done. Waiting allocates nothing, because under load the pump waits
/// often. A waiting pump is woken once half the credits are back, not at the first one (as a pipe resumes its writer
/// below a lower threshold than the one that paused it): the handler still has half a queue to work through, and the
/// pump reads a run of messages per wait instead of one. Each wait moves the pump to another thread, where the
/// runtime's pooled state machines of its next read miss their per-thread caches now and then.
/// </summary>
internal sealed class CreditGate(int credits) : AsyncSignal
{
    private readonly int _resumeAt = Math.Max(1, credits / 2);
    private int _credits = credits;
    private bool _closed;

    /// <summary>Takes a credit if one is free.</summary>
    public bool TryTake()
    {
        lock (Gate)
        {
            if (_credits == 0 || _closed)
            {
                return false;
            }

            _credits--;
            return true;
        }
    }

    /// <summary>Waits for a credit and takes it: true; false once <see cref="Close"/> was called. One waiter at a time.</summary>
    public ValueTask<bool> TakeAsync()
    {
        lock (Gate)
        {
            if (_closed)
            {
                return new ValueTask<bool>(false);
            }

            if (_credits > 0)
            {
                _credits--;
                return new ValueTask<bool>(true);
            }

            return WaitUnderGate();
        }
    }

    /// <summary>Gives a credit back; wakes the waiter, if any, once half the credits are back.</summary>
    public void Release()
    {
        lock (Gate)
        {
            _credits++;
            if (_credits < _resumeAt || !TakeWaiterUnderGate())
            {
                return;
            }
        }

        Wake();
    }

    /// <summary>No more credits are handed out: a waiter gets false.</summary>
    public void Close()
    {
        lock (Gate)
        {
            _closed = true;
            if (!TakeWaiterUnderGate())
            {
                return;
            }
        }

        Wake();
    }

    /// <summary>The waiter takes a credit if there is one (and the gate is open).</summary>
    protected override bool ResultOnWake()
    {
        if (_closed || _credits == 0)
        {
            return false;
        }

        _credits--;
        return true;
    }
}
