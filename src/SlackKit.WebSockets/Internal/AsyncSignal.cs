using System.Threading.Tasks.Sources;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// One waiter, woken without allocating: a reusable <see cref="IValueTaskSource{TResult}"/>, completed from the thread
/// pool as an <see cref="IThreadPoolWorkItem"/> (so whoever wakes the waiter never runs its continuation). The
/// derived type holds its state under <see cref="Gate"/> and says what the waiter gets.
/// </summary>
internal abstract class AsyncSignal : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<bool> _waiter; // continuations run where SetResult runs: on the pool thread
    private bool _waiting;

    /// <summary>Guards the derived type's state and the waiter: the signal itself, which is never exposed (one object less per signal).</summary>
    protected object Gate => this;

    /// <summary>Under <see cref="Gate"/>: the one waiter starts waiting.</summary>
    protected ValueTask<bool> WaitUnderGate()
    {
        _waiter.Reset();
        _waiting = true;
        return new ValueTask<bool>(this, _waiter.Version);
    }

    /// <summary>Under <see cref="Gate"/>: whether someone waits (who must then be <see cref="Wake"/>d, outside the gate).</summary>
    protected bool TakeWaiterUnderGate()
    {
        bool waiting = _waiting;
        _waiting = false;
        return waiting;
    }

    /// <summary>Completes the wait on a thread-pool thread.</summary>
    protected void Wake() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>Under <see cref="Gate"/>, when the waiter wakes: what its wait returns.</summary>
    protected abstract bool ResultOnWake();

    void IThreadPoolWorkItem.Execute()
    {
        bool result;
        lock (Gate)
        {
            result = ResultOnWake();
        }

        _waiter.SetResult(result);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
