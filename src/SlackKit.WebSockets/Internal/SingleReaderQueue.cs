namespace SlackKit.WebSockets.Internal;

/// <summary>
/// A queue with any number of writers and one reader that waits asynchronously: the client's mailbox. Small while
/// idle (a ring of one item that grows only when needed), and without allocation in steady state (the reader's wait
/// is an <see cref="AsyncSignal"/>). A ring that grew past <see cref="KeptCapacity"/> in a burst is let go once the
/// queue is empty again, so a burst does not hold its peak for the client's life.
/// </summary>
internal sealed class SingleReaderQueue<T> : AsyncSignal
{
    /// <summary>A ring up to this size is kept when the queue empties; a larger one goes back to one slot.</summary>
    public const int KeptCapacity = 64;

    private T[] _items = new T[1]; // doubles as needed
    private int _head;
    private int _count;
    private bool _completed;

    /// <summary>Adds <paramref name="item"/>; false once the queue is completed.</summary>
    public bool TryWrite(T item)
    {
        bool wake;
        lock (Gate)
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
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }

        return true;
    }

    /// <summary>
    /// Whether nothing waits now. Read without the lock: a writer on another thread may be adding at this moment (and
    /// the answer is then either), but what this thread added itself, or what the reader took before this thread
    /// last synchronized with it, is seen.
    /// </summary>
    public bool IsEmpty => Volatile.Read(ref _count) == 0;

    public bool TryRead(out T item) => TryRead(out item, out _);

    /// <summary>Takes the next item, if any; <paramref name="more"/> says whether others wait behind it.</summary>
    public bool TryRead(out T item, out bool more)
    {
        lock (Gate)
        {
            if (_count == 0)
            {
                item = default!;
                more = false;
                return false;
            }

            item = _items[_head];
            _items[_head] = default!;
            _head = (_head + 1) % _items.Length;
            _count--;
            more = _count > 0;
            if (!more && _items.Length > KeptCapacity)
            {
                _items = new T[1];
                _head = 0;
            }

            return true;
        }
    }

    /// <summary>True when an item can be read, false once the queue is completed and empty. One reader at a time.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (Gate)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            return WaitUnderGate();
        }
    }

    /// <summary>No more writes; the reader reads what is left, then <see cref="WaitToReadAsync"/> returns false.</summary>
    public void Complete()
    {
        bool wake;
        lock (Gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }
    }

    /// <summary>The reader wakes to read (true), or to learn the queue is completed and empty (false).</summary>
    protected override bool ResultOnWake() => _count > 0 || !_completed;

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
