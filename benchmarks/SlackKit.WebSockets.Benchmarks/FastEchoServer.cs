using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// An echo server that costs as little as a WebSocket server can, so that the client, not the server, sets the pace:
/// after the handshake it reads whatever has arrived (many frames at once when the client pipelines), unmasks each
/// whole frame into one outgoing buffer, and writes that back in one call. It speaks only what the harness needs:
/// data frames are echoed as they came (opcode and FIN kept), a ping is answered with a pong, a close is echoed and
/// ends the connection. A text message <c>PUSH count size</c> is not echoed: the server answers it with
/// <c>count</c> text messages of <c>size</c> bytes, written as fast as the socket takes them (the fan-in workload: a
/// bot that only receives). Runs in the harness's child process, like the Kestrel server.
/// </summary>
internal static class FastEchoServer
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task<int> RunAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 4096);
        Console.WriteLine($"URL ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/echo");
        Task stdinClosed = Task.Run(() => Console.In.ReadToEnd()); // Console.In's async read blocks: on its own thread
        while (true)
        {
            Task<Socket> accept = listener.AcceptSocketAsync();
            if (await Task.WhenAny(accept, stdinClosed) == stdinClosed)
            {
                return 0;
            }

            Socket socket = await accept;
            socket.NoDelay = true;
            _ = ServeAsync(socket);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            byte[] input = new byte[256 * 1024];
            int buffered = await HandshakeAsync(stream, input);
            if (buffered < 0)
            {
                return;
            }

            byte[] output = new byte[input.Length];
            while (true)
            {
                // Echo every whole frame buffered so far, then write them back in one call.
                int consumed = 0;
                int written = 0;
                bool closed = false;
                int pushCount = 0, pushSize = 0;
                while (TryReadFrame(input.AsSpan(consumed, buffered - consumed), out int frameLength, out byte first, out int headerLength, out int payloadLength))
                {
                    int opcode = first & 0x0F;
                    Span<byte> payload = input.AsSpan(consumed + headerLength, payloadLength);
                    if (opcode == 0x1 && payload.StartsWith("PUSH "u8))
                    {
                        string[] words = Encoding.ASCII.GetString(payload).Split(' ');
                        (pushCount, pushSize) = (int.Parse(words[1]), int.Parse(words[2]));
                    }
                    else if (opcode != 0xA)
                    {
                        byte reply = opcode == 0x9 ? (byte)0x8A : first; // a ping is answered with a pong
                        EnsureRoom(ref output, written, payloadLength + 10);
                        written += WriteFrame(output.AsSpan(written), reply, payload);
                    }

                    consumed += frameLength;
                    if (opcode == 0x8)
                    {
                        closed = true;
                        break;
                    }
                }

                if (written > 0)
                {
                    await stream.WriteAsync(output.AsMemory(0, written));
                }

                if (pushCount > 0)
                {
                    await PushAsync(stream, pushCount, pushSize);
                }

                if (closed)
                {
                    return;
                }

                // Keep the partial frame at the front; grow for a frame larger than the buffer.
                buffered -= consumed;
                input.AsSpan(consumed, buffered).CopyTo(input);
                if (buffered == input.Length)
                {
                    Array.Resize(ref input, input.Length * 2);
                }

                int read = await stream.ReadAsync(input.AsMemory(buffered));
                if (read == 0)
                {
                    return;
                }

                buffered += read;
            }
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    /// <summary>Writes <paramref name="count"/> text messages of <paramref name="size"/> bytes, as many as fit in 64 KiB per write.</summary>
    private static async Task PushAsync(NetworkStream stream, int count, int size)
    {
        byte[] frame = new byte[size + 10];
        int frameLength = WriteFrame(frame, 0x81, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", (size / 16) + 1))[..size]));
        int perWrite = Math.Max(1, (64 * 1024) / frameLength);
        byte[] batch = new byte[perWrite * frameLength];
        for (int i = 0; i < perWrite; i++)
        {
            frame.AsSpan(0, frameLength).CopyTo(batch.AsSpan(i * frameLength));
        }

        for (int sent = 0; sent < count; sent += perWrite)
        {
            int frames = Math.Min(perWrite, count - sent);
            await stream.WriteAsync(batch.AsMemory(0, frames * frameLength));
        }
    }

    /// <summary>Reads the upgrade request and answers 101; returns how many bytes after it are already buffered, or -1.</summary>
    private static async Task<int> HandshakeAsync(NetworkStream stream, byte[] buffer)
    {
        int length = 0;
        int end;
        while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0)
            {
                return -1;
            }

            length += read;
        }

        string request = Encoding.ASCII.GetString(buffer, 0, end);
        string key = request.Split("\r\n")
            .Where(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))
            .Select(line => line["Sec-WebSocket-Key:".Length..].Trim())
            .Single();
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));

        int after = end + 4;
        buffer.AsSpan(after, length - after).CopyTo(buffer);
        return length - after;
    }

    /// <summary>A whole client frame (RFC 6455 §5.2) at the start of <paramref name="data"/>; its payload is unmasked in place.</summary>
    private static bool TryReadFrame(Span<byte> data, out int frameLength, out byte first, out int headerLength, out int payloadLength)
    {
        frameLength = headerLength = payloadLength = 0;
        first = 0;
        if (data.Length < 2)
        {
            return false;
        }

        int length7 = data[1] & 0x7F;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        headerLength = 2 + extended + 4; // client frames are always masked
        if (data.Length < headerLength)
        {
            return false;
        }

        long length = extended switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            8 => (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]),
            _ => length7,
        };
        if (data.Length < headerLength + length)
        {
            return false;
        }

        first = data[0];
        payloadLength = (int)length;
        frameLength = headerLength + payloadLength;
        Unmask(data.Slice(headerLength, payloadLength), BinaryPrimitives.ReadUInt32LittleEndian(data[(headerLength - 4)..]));
        return true;
    }

    /// <summary>XORs the payload with the repeated 4-byte mask, eight bytes at a time.</summary>
    private static void Unmask(Span<byte> payload, uint mask)
    {
        ulong mask8 = mask | ((ulong)mask << 32);
        Span<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(payload);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] ^= mask8;
        }

        for (int i = words.Length * 8; i < payload.Length; i++)
        {
            payload[i] ^= (byte)(mask >> ((i & 3) * 8));
        }
    }

    /// <summary>Writes an unmasked server frame; returns its length.</summary>
    private static int WriteFrame(Span<byte> output, byte first, ReadOnlySpan<byte> payload)
    {
        output[0] = first;
        int header;
        if (payload.Length < 126)
        {
            output[1] = (byte)payload.Length;
            header = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            output[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(output[2..], (ushort)payload.Length);
            header = 4;
        }
        else
        {
            output[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(output[2..], (ulong)payload.Length);
            header = 10;
        }

        payload.CopyTo(output[header..]);
        return header + payload.Length;
    }

    private static void EnsureRoom(ref byte[] output, int used, int needed)
    {
        if (output.Length - used < needed)
        {
            Array.Resize(ref output, Math.Max(output.Length * 2, used + needed));
        }
    }
}
