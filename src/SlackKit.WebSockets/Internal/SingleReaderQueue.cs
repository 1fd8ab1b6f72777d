using System.Threading.Tasks.Sources;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// A queue with any number of writers and one reader that waits asynchronously: the client's mailbox and each
/// connection's send queue. Small while idle (a ring of four items that grows only when needed, and is reused), and
/// without allocation in steady state: the reader's wait is one reusable <see cref="IValueTaskSource{TResult}"/>,
/// woken through the thread pool as an <see cref="IThreadPoolWorkItem"/> (so a writer never runs the reader's
/// continuation on its own thread).
/// </summary>
internal sealed class SingleReaderQueue<T> : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<bool> _waiter; // continuations run where SetResult runs: in Execute
    private T[] _items = new T[4];
    private int _head;
    private int _count;
    private bool _completed;
    private bool _readerWaiting;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds <paramref name="item"/>; false once the queue is completed.</summary>
    public bool TryWrite(T item)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            if (_count == _items.Length)
            {
                Grow();
            }

            _items[(_head + _count) % _items.Length] = item;
            _count++;
            wake = _readerWaiting;
            _readerWaiting = false;
        }

        if (wake)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    public bool TryRead(out T item)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                item = default!;
                return false;
            }

            item = _items[_head];
            _items[_head] = default!;
            _head = (_head + 1) % _items.Length;
            _count--;
            return true;
        }
    }

    /// <summary>True when an item can be read, false once the queue is completed and empty. One reader at a time.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _waiter.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    /// <summary>No more writes; the reader reads what is left, then <see cref="WaitToReadAsync"/> returns false.</summary>
    public void Complete()
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            wake = _readerWaiting;
            _readerWaiting = false;
        }

        if (wake)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Wakes the reader, on a thread-pool thread.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        bool result;
        lock (_gate)
        {
            result = _count > 0 || !_completed;
        }

        _waiter.SetResult(result);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);

    private void Grow()
    {
        var larger = new T[_items.Length * 2];
        for (int i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
