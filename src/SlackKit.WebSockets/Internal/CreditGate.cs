namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The receive pump's places in the mailbox: a count of credits with one waiter (the pump), taken before a message
/// is read and given back once its handler is done. Waiting allocates nothing, because under load the pump waits for
/// every few messages.
/// </summary>
internal sealed class CreditGate(int credits) : AsyncSignal
{
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

    /// <summary>Gives a credit back; wakes the waiter, if any, with it.</summary>
    public void Release()
    {
        lock (Gate)
        {
            _credits++;
            if (!TakeWaiterUnderGate())
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
