using System.Buffers;
using System.Text;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>
/// The one writer of a connection: it takes what the <see cref="SendQueue"/> holds, control frames first, and writes it
/// in order, never interleaved. Frames that wait behind each other go out together: each burst is encoded into one
/// buffer and written in one call (frames up to 32 KiB; a larger frame is written on its own, in pieces). A
/// <c>SendAsync</c> caller's task completes once its frame is on the wire. After our close frame, nothing is written;
/// what was queued after it, or when the connection failed, is dropped and counted.
/// </summary>
/// <remarks>
/// Runs as one loop, but a <c>SendAsync</c> caller that finds nothing queued and nothing being written writes its frame
/// itself (<see cref="TryWriteNow"/>): whoever holds the queue's write token (<see cref="SendQueue.TryBeginBurst"/>,
/// <see cref="SendQueue.TryBeginWriteNow"/>) owns the fields below and the stream; the token goes from one to the next
/// under the queue's lock, which orders their writes. <see cref="Dropped"/> is read by the connection, the liveness
/// timestamps by the keepalive loop.
/// </remarks>
internal sealed class Writer(Stream stream, SendQueue queue, CloseHandshake handshake, Liveness liveness, Action<Exception> onFailure)
{
    /// <summary>Frames up to this size are gathered into a batch; a larger one is written on its own.</summary>
    public const int MaxBatchedFrame = 32 * 1024;

    /// <summary>
    /// Writes a data frame on the caller's thread when nothing is queued and nothing is being written: no hand-off to
    /// this loop and, when the socket takes the bytes at once, no wait at all. Null when the frame must be queued
    /// instead (something is queued or being written, a close is queued, the frame is large); otherwise the write,
    /// which fails with the connection's end.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="idle">When given, only if the last write ended at least this long ago (a cast: see <see cref="SendQueue.TryBeginWriteNowWhenIdle"/>).</param>
    public ValueTask? TryWriteNow(WebSocketFrame frame, TimeSpan? idle = null)
    {
        int payload = FrameEncoder.GetPayloadLength(frame);
        int size = FrameEncoder.GetFrameLength(payload);
        if (size > MaxBatchedFrame || frame.Kind == WebSocketFrameKind.Close || !(idle is { } quiet ? queue.TryBeginWriteNowWhenIdle(quiet) : queue.TryBeginWriteNow()))
        {
            return null;
        }

        byte[] encoded = ArrayPool<byte>.Shared.Rent(size);
        ValueTask write;
        try
        {
            if (_failure is not null || _closeWritten)
            {
                EndWriteNow(encoded);
                Interlocked.Increment(ref _dropped);
                return ValueTask.FromException(NotWritten(_failure));
            }

            int length = FrameEncoder.Encode(frame, payload, encoded);
            write = WriteAsync(encoded.AsMemory(0, length));
        }
        catch
        {
            EndWriteNow(encoded);
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            return new ValueTask(WrittenNow(frame, payload, encoded));
        }

        return WhenWrittenNowAsync(write, frame, payload, encoded);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WhenWrittenNowAsync(ValueTask write, WebSocketFrame frame, int payload, byte[] encoded)
    {
        await write.ConfigureAwait(false); // WriteAsync does not throw: a failure is in _failure
        await WrittenNow(frame, payload, encoded).ConfigureAwait(false);
    }

    /// <summary>After a caller's own write (which records a failure rather than throw): counted, or dropped and said.</summary>
    private Task WrittenNow(WebSocketFrame frame, int payload, byte[] encoded)
    {
        Exception? failure = _failure;
        EndWriteNow(encoded);
        if (failure is not null)
        {
            Interlocked.Increment(ref _dropped);
            return Task.FromException(NotWritten(failure));
        }

        Count(frame.Kind, payload);
        return Task.CompletedTask;
    }

    private void EndWriteNow(byte[] encoded)
    {
        ArrayPool<byte>.Shared.Return(encoded);
        queue.EndWriteNow();
    }

    private long _dropped;
    private bool _closeWritten;
    private Exception? _failure;
    private List<SendCompletion>? _written; // the SendAsync callers of the batch being written
    private int _batched; // frames taken into the batch being written
    private int _batchedData; // of which not a close frame: counted as dropped if the batch is never written

    /// <summary>Frames accepted for sending that were never written (a close frame is not counted).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public async Task RunAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.Writers);
        byte[]? batch = null;
        try
        {
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                if (!queue.TryBeginBurst())
                {
                    continue; // a caller is writing its own frame: its end wakes this loop again
                }

                try
                {
                    batch ??= BufferSlots.Batches.Rent();
                    await WriteBurstAsync(batch).ConfigureAwait(false);

                    // Nothing is held between bursts: an idle connection keeps no batch buffer.
                    BufferSlots.Batches.Return(batch);
                    batch = null;
                }
                finally
                {
                    queue.EndBurst();
                }
            }
        }
        finally
        {
            if (batch is not null)
            {
                BufferSlots.Batches.Return(batch);
            }

            Interlocked.Decrement(ref Live.Writers);
        }
    }

    /// <summary>Writes everything queued now (and whatever is added while it writes), then returns.</summary>
    private async Task WriteBurstAsync(byte[] batch)
    {
        int length = 0;
        while (true)
        {
            while (_failure is null && !_closeWritten)
            {
                if (length + SendQueue.MaxControlFrameLength > batch.Length)
                {
                    length = await FlushAsync(batch, length).ConfigureAwait(false);
                }

                if (!queue.TryTakeControl(batch.AsSpan(length), out int frameLength, out Opcode opcode, out int payloadLength))
                {
                    break;
                }

                length += frameLength;
                Count(opcode.ToKind(), payloadLength);
            }

            if (_failure is not null || _closeWritten)
            {
                queue.DiscardControl(); // nothing follows a close frame on the wire (RFC 6455 §5.5.1), nor a failed write
            }

            if (!queue.TryTake(out Outgoing item))
            {
                break;
            }

            if (_failure is not null || _closeWritten)
            {
                Drop(item); // nothing follows a close frame on the wire (RFC 6455 §5.5.1), nor a failed write
                queue.OnWritten(1);
                continue;
            }

            int payload = FrameEncoder.GetPayloadLength(item.Frame);
            int size = FrameEncoder.GetFrameLength(payload);
            if (size > MaxBatchedFrame)
            {
                length = await FlushAsync(batch, length).ConfigureAwait(false);
                await WriteLargeAsync(item, payload).ConfigureAwait(false);
                queue.OnWritten(1);
                continue;
            }

            if (length + size > batch.Length)
            {
                length = await FlushAsync(batch, length).ConfigureAwait(false);
            }

            length += FrameEncoder.Encode(item.Frame, payload, batch.AsSpan(length));
            _batched++;
            if (item.Frame.Kind != WebSocketFrameKind.Close)
            {
                _batchedData++;
            }
            Count(item.Frame.Kind, payload);
            if (item.Written is { } written)
            {
                (_written ??= []).Add(written);
            }

            if (item.Frame.Kind == WebSocketFrameKind.Close)
            {
                _closeWritten = true;
                length = await FlushAsync(batch, length).ConfigureAwait(false);
                if (_failure is null)
                {
                    handshake.OnLocalWritten();
                }
            }
        }

        await FlushAsync(batch, length).ConfigureAwait(false);
    }

    /// <summary>Writes the first <paramref name="length"/> bytes of the batch; then its <c>SendAsync</c> callers are done. Returns 0.</summary>
    private async ValueTask<int> FlushAsync(byte[] batch, int length)
    {
        if (length > 0 && _failure is null)
        {
            await WriteAsync(batch.AsMemory(0, length)).ConfigureAwait(false);
        }

        if (_failure is not null)
        {
            Interlocked.Add(ref _dropped, _batchedData); // encoded, but never on the wire
        }

        _batchedData = 0;

        if (_written is { Count: > 0 } written)
        {
            foreach (SendCompletion caller in written)
            {
                if (_failure is null)
                {
                    caller.TrySetResult();
                }
                else
                {
                    caller.TrySetException(NotWritten(_failure));
                }

                caller.ReleaseByWriter();
            }

            written.Clear();
        }

        queue.OnWritten(_batched);
        _batched = 0;
        return 0;
    }

    /// <summary>The largest piece of a large frame written in one call.</summary>
    private const int MaxPiece = 1024 * 1024;

    /// <summary>A frame over <see cref="MaxBatchedFrame"/>: its header and payload, masked a piece (up to 1 MiB) at a time.</summary>
    private async Task WriteLargeAsync(Outgoing item, int payloadLength)
    {
        WebSocketFrame frame = item.Frame;
        byte[]? encoded = null;
        ReadOnlyMemory<byte> payload = frame.RawPayload;
        if (frame.TextOrNull is { } text)
        {
            encoded = ArrayPool<byte>.Shared.Rent(payloadLength);
            Encoding.UTF8.GetBytes(text, encoded);
            payload = encoded.AsMemory(0, payloadLength);
        }

        // Pieces of up to 1 MiB (a rented buffer): a large frame costs a few socket writes, not one per 64 KiB.
        byte[] pieces = ArrayPool<byte>.Shared.Rent(Math.Min(FrameEncoder.GetFrameLength(payloadLength), MaxPiece));
        try
        {
            int header = FrameEncoder.EncodeHeader(frame.Kind.ToOpcode(), payloadLength, pieces, out uint key);
            int offset = 0;
            int start = header;
            while (offset < payloadLength && _failure is null)
            {
                int take = Math.Min(pieces.Length - start, payloadLength - offset);
                Masking.CopyMasked(payload.Span.Slice(offset, take), pieces.AsSpan(start, take), key, offset);
                await WriteAsync(pieces.AsMemory(0, start + take)).ConfigureAwait(false);
                offset += take;
                start = 0;
            }

            if (_failure is null)
            {
                Count(frame.Kind, payloadLength);
                item.Written?.TrySetResult();
                item.Written?.ReleaseByWriter();
            }
            else
            {
                Drop(item);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pieces);
            if (encoded is not null)
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
        }
    }

    /// <remarks>
    /// Only a write that waits (the socket's buffers are full: the peer is not reading) is reported to the keepalive
    /// loop as under way. A write the socket takes at once is not: a writer thread that is merely slow to be scheduled
    /// after it must not look like a peer that stopped reading.
    /// </remarks>
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        bool waited = false;
        try
        {
            ValueTask write = stream.WriteAsync(bytes);
            if (!write.IsCompleted)
            {
                waited = true;
                liveness.OnWriteBegan();
            }

            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection is failing (or was aborted): what is left is dropped; the connection says why it ended.
            _failure = ex;
            onFailure(ex);
        }
        finally
        {
            if (waited)
            {
                liveness.OnWriteEnded();
            }
        }
    }

    private void Drop(in Outgoing item)
    {
        if (item.Frame.Kind != WebSocketFrameKind.Close)
        {
            Interlocked.Increment(ref _dropped);
        }

        item.Written?.TrySetException(NotWritten(_failure));
        item.Written?.ReleaseByWriter();
    }

    private static InvalidOperationException NotWritten(Exception? cause) =>
        new("The connection ended before the frame was written.", cause);

    private static void Count(WebSocketFrameKind kind, int payloadLength)
    {
        ClientMetrics.MessagesSent.Add(1, ClientMetrics.Kind(kind));
        if (kind != WebSocketFrameKind.Close)
        {
            ClientMetrics.BytesSent.Add(payloadLength); // application payload: a close frame's code and reason are not
        }
    }
}
