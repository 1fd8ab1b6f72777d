using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The connection's stream below <see cref="System.Net.WebSockets.ClientWebSocket"/>, in plain text (after TLS).
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> answers pings itself, never shows ping or pong frames, and
/// has no call that sends a ping or pong with a payload. So this stream does both: what is read passes through an
/// <see cref="InboundFrameParser"/> that sees every control frame (and marks the connection alive), and control
/// frames are written here, between the whole frames the WebSocket writes (it writes each frame in one call), with
/// one lock serializing the two writers.
/// </summary>
internal sealed class FrameTapStream(Stream inner, InboundFrameParser parser) : Stream
{
    /// <summary>Frames up to this size are gathered in a batch; a larger one is written on its own (no copy).</summary>
    private const int MaxBatchedFrame = 32 * 1024;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _lastInbound = Stopwatch.GetTimestamp();
    private bool _batching;
    private byte[]? _batch;
    private int _batched;
    private long _socketWrites;

    /// <summary>How many writes went to the stream below (for tests: a burst of frames takes fewer writes than frames).</summary>
    /// <remarks>Counted under the write lock, so a plain increment on the write path; read from any thread.</remarks>
    internal long SocketWrites => Interlocked.Read(ref _socketWrites);

    private int _sentCloseCode;

    /// <summary>The code of the close frame written on this stream (by the socket or by the client), if any.</summary>
    public int? SentCloseCode => Volatile.Read(ref _sentCloseCode) is var code and not 0 ? code : null;

    /// <summary>What follows the bytes read through this stream.</summary>
    public InboundFrameParser Parser => parser;

    /// <summary>
    /// Completes once the peer has sent something (or the stream ended or failed), reading nothing: a zero-byte read
    /// on the stream below. For when nothing waits above this stream (<see cref="InboundFrameParser.IsQuiet"/>).
    /// </summary>
    public ValueTask<int> WaitForDataAsync() => inner.ReadAsync(Memory<byte>.Empty);

    /// <summary>When bytes last arrived from the peer (a <see cref="Stopwatch"/> timestamp): any frame is a sign of life.</summary>
    public long LastInbound => Volatile.Read(ref _lastInbound);

    /// <summary>Writes one masked control frame (RFC 6455 §5.3: every client frame is masked).</summary>
    public async ValueTask WriteControlFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // 2 header bytes, a 4-byte mask, and at most 125 bytes of payload.
        int length = 6 + payload.Length;
        byte[] frame = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            frame[0] = (byte)(0x80 | opcode); // FIN + opcode
            frame[1] = (byte)(0x80 | payload.Length); // MASK + length (<= 125)
            RandomNumberGenerator.Fill(frame.AsSpan(2, 4));
            ReadOnlySpan<byte> source = payload.Span;
            for (int i = 0; i < source.Length; i++)
            {
                frame[6 + i] = (byte)(source[i] ^ frame[2 + (i & 3)]);
            }

            await WriteAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>
    /// From now until <see cref="EndBatchAsync"/>, frames are gathered and written together: the connection's writer
    /// calls this when frames wait behind the one it is writing, so that a burst costs one socket write, not one each.
    /// A frame written meanwhile by anyone else (a pong the socket answers, a keepalive ping) joins the batch in order.
    /// </summary>
    public void BeginBatch() => Volatile.Write(ref _batching, true);

    /// <summary>Writes what was gathered since <see cref="BeginBatch"/>, and writes frames one by one again.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask EndBatchAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _batching, false);
            await WriteBatchUnderLockAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // Nothing is held between bursts: an idle connection keeps no batch buffer.
            if (_batch is { } batch)
            {
                _batch = null;
                BufferSlots.Batches.Return(batch);
            }

            _batched = 0;
            _writeLock.Release();
        }
    }

    /// <summary>Writes what is gathered now (a caller needs its frame on the wire), and goes on gathering.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteBatchAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteBatchUnderLockAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool close = NoteClose(buffer.Span);
            // A close frame is never held back: once both close frames are through, the socket disposes this stream.
            if (Volatile.Read(ref _batching) && buffer.Length <= MaxBatchedFrame && !close)
            {
                if (_batched + buffer.Length > BufferSlots.Batches.BufferSize)
                {
                    await WriteBatchUnderLockAsync(cancellationToken).ConfigureAwait(false);
                }

                _batch ??= BufferSlots.Batches.Rent();
                buffer.Span.CopyTo(_batch.AsSpan(_batched));
                _batched += buffer.Length;
                return;
            }

            await WriteBatchUnderLockAsync(cancellationToken).ConfigureAwait(false); // what came before goes first
            _socketWrites++; // under the write lock
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private ValueTask WriteBatchUnderLockAsync(CancellationToken cancellationToken)
    {
        if (_batched == 0)
        {
            return ValueTask.CompletedTask;
        }

        int length = _batched;
        _batched = 0;
        _socketWrites++; // under the write lock
        return inner.WriteAsync(_batch.AsMemory(0, length), cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _writeLock.Wait();
        try
        {
            NoteClose(buffer.AsSpan(offset, count));
            if (_batched > 0)
            {
                _socketWrites++; // under the write lock
                inner.Write(_batch!, 0, _batched); // what came before goes first
                _batched = 0;
            }

            _socketWrites++; // under the write lock
            inner.Write(buffer, offset, count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static bool IsClose(ReadOnlySpan<byte> frame) => frame.Length >= 2 && (frame[0] & 0x0F) == 0x8;

    /// <summary>
    /// Every write is one whole frame, masked (RFC 6455 §5.3); a close frame's code is kept, and whether the frame is
    /// a close frame is returned. The socket closes with 1002 or 1007 on a protocol violation without saying so, and
    /// this is how the client learns which.
    /// </summary>
    private bool NoteClose(ReadOnlySpan<byte> frame)
    {
        if (!IsClose(frame))
        {
            return false;
        }

        if (frame.Length >= 8 && (frame[1] & 0x7F) >= 2 && (frame[1] & 0x80) != 0)
        {
            int code = ((frame[6] ^ frame[2]) << 8) | (frame[7] ^ frame[3]);
            Volatile.Write(ref _sentCloseCode, code);
        }

        return true;
    }

    // A pooled builder: a read that waits for the peer allocates nothing in steady state.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        // A zero-byte read (how an idle connection waits) reads nothing, so there is nothing to observe: passed
        // straight through, it holds no state machine of ours while it waits.
        buffer.IsEmpty ? inner.ReadAsync(buffer, cancellationToken) : ReadObservedAsync(buffer, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadObservedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Observed(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        Observed(buffer.AsSpan(offset, count), inner.Read(buffer, offset, count));

    private int Observed(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            Volatile.Write(ref _lastInbound, Stopwatch.GetTimestamp());
            parser.Observe(buffer[..read]);
        }

        return read;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
