namespace SlackKit.SocketMode.Testing;

/// <summary>
/// The fake Slack's side of one socket, which can play dead: once frozen, nothing more is read (what arrives is
/// dropped), so the WebSocket above answers no ping and reads no ack. It can also pause reading (what arrives waits in
/// TCP's buffers, then the bot's send queue) and resume. Writes always go through.
/// </summary>
internal sealed class FreezableStream(Stream inner, Task frozen) : Stream
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _paused;

    /// <summary>Reads wait (the one under way completes) until <see cref="Resume"/>.</summary>
    public void Pause() => Interlocked.CompareExchange(ref _paused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    public void Resume() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _paused) is { } paused)
        {
            await Task.WhenAny(paused.Task, _disposed.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!frozen.IsCompleted)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (!frozen.IsCompleted || read == 0)
            {
                return read;
            }
        }

        // Dead: this read never completes (until the socket is torn down).
        await _disposed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous reads only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous writes only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.TrySetResult();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
