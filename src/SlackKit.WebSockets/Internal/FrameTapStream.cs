using System.Buffers;
using System.Security.Cryptography;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// The connection's stream below <see cref="System.Net.WebSockets.ClientWebSocket"/>, in plain text (after TLS).
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> has no call that sends a ping or pong with a payload; this
/// stream writes such control frames itself, between the whole frames the WebSocket writes (it writes each frame
/// in one call), with one lock serializing the two writers.
/// </summary>
internal sealed class FrameTapStream(Stream inner) : Stream
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

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

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _writeLock.Wait();
        try
        {
            inner.Write(buffer, offset, count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

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
