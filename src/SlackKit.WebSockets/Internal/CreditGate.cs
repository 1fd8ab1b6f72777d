using System.Threading.Tasks.Sources;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The receive pump's places in the mailbox: a count of credits with one waiter (the pump), taken before a message
/// is read and given back once its handler is done. Waiting allocates nothing (one reusable value-task source, woken
/// as an <see cref="IThreadPoolWorkItem"/>), because under load the pump waits for every few messages.
/// </summary>
internal sealed class CreditGate(int credits) : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<bool> _waiter;
    private int _credits = credits;
    private bool _waiting;
    private bool _closed;

    /// <summary>Takes a credit if one is free.</summary>
    public bool TryTake()
    {
        lock (_gate)
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
        lock (_gate)
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

            _waiter.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    /// <summary>Gives a credit back; wakes the waiter, if any, with it.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _credits++;
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>No more credits are handed out: a waiter gets false.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        bool taken;
        lock (_gate)
        {
            taken = !_closed && _credits > 0;
            if (taken)
            {
                _credits--;
            }
        }

        _waiter.SetResult(taken);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
