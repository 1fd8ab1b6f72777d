using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>
/// What an awaited <c>SendAsync</c> waits on: completed by the writer once its frame is on the wire (or failed when
/// it never will be), and reused, so that an awaited send allocates nothing in steady state.
/// </summary>
/// <remarks>
/// Two hold it: the caller (until it has the result) and the writer (until it has completed it, or dropped the frame).
/// It goes back to the pool when both are done. The first completion wins: the writer's, or the caller's
/// cancellation (after which the frame may still be written, and the writer's completion is ignored). Continuations
/// run on the thread pool, never on the writer's loop.
/// </remarks>
internal sealed class SendCompletion : IValueTaskSource
{
    private const int PoolLimit = 256;
    private static readonly ConcurrentQueue<SendCompletion> Pool = new();
    private static int s_pooled;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private int _completed; // 1 once the result is set
    private int _holders; // the caller and the writer

    private SendCompletion()
    {
    }

    /// <summary>A completion for one send, held by the caller and the writer.</summary>
    public static SendCompletion Rent()
    {
        if (Pool.TryDequeue(out SendCompletion? completion))
        {
            Interlocked.Decrement(ref s_pooled);
        }
        else
        {
            completion = new SendCompletion();
        }

        completion._holders = 2;
        return completion;
    }

    /// <summary>The task the caller awaits.</summary>
    public ValueTask Task => new(this, _core.Version);

    /// <summary>A cancellable caller: the wait ends with <see cref="OperationCanceledException"/> when the token fires.</summary>
    public void CancelWith(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) =>
                ((SendCompletion)state!).TrySetException(new OperationCanceledException(token)), this);
        }
    }

    /// <summary>The writer put the frame on the wire.</summary>
    public void TrySetResult()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _cancellation.Unregister();
            _core.SetResult(true);
        }
    }

    /// <summary>The frame will not be written (or the caller gave up waiting).</summary>
    public void TrySetException(Exception error)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _cancellation.Unregister();
            _core.SetException(error);
        }
    }

    /// <summary>The writer is done with it (it completed it, or dropped the frame after completing it).</summary>
    public void ReleaseByWriter() => Release();

    /// <summary>The frame was never queued: the writer will never hold it.</summary>
    public void ReleaseUnqueued() => Release();

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        if (Interlocked.Decrement(ref _holders) != 0)
        {
            return;
        }

        _cancellation = default;
        _completed = 0;
        _core.Reset();
        if (Interlocked.Increment(ref s_pooled) <= PoolLimit)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
    }
}
