using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// A WebSocket peer written byte by byte over raw TCP on 127.0.0.1, so that it can misbehave on purpose: answer the
/// handshake with a frame in the same packet, refuse it, send what no library would, reset, or say nothing.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Task> _scripts = [];
    private int _attempts;

    private RawPeer(Func<RawConnection, int, Task> script)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/raw");
        _accepting = AcceptAsync(script);
    }

    public Uri Url { get; }

    /// <summary>How many connections (handshake attempts) arrived.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Starts a peer that runs <paramref name="script"/> for each connection, with its 1-based attempt number.</summary>
    public static RawPeer Start(Func<RawConnection, int, Task> script) => new(script);

    public static RawPeer Start(Func<RawConnection, Task> script) => new((connection, _) => script(connection));

    private async Task AcceptAsync(Func<RawConnection, int, Task> script)
    {
        try
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                int attempt = Interlocked.Increment(ref _attempts);
                lock (_scripts)
                {
                    _scripts.Add(Task.Run(async () =>
                    {
                        using var connection = new RawConnection(client);
                        try
                        {
                            await script(connection, attempt);
                        }
                        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                        {
                            // The client went away; the test asserts on what the script recorded.
                        }
                    }));
                }
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested && ex is OperationCanceledException or InvalidOperationException or SocketException or ObjectDisposedException)
        {
            // Stopped: between two accepts the stopped listener says "not listening" rather than cancelled.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] scripts;
        lock (_scripts)
        {
            scripts = [.. _scripts];
        }

        await Task.WhenAll(scripts).WaitAsync(TimeSpan.FromSeconds(10));
    }
}

/// <summary>One TCP connection of a <see cref="RawPeer"/>, with the few protocol pieces a script needs.</summary>
internal sealed class RawConnection(TcpClient client) : IDisposable
{
    private readonly NetworkStream _stream = client.GetStream();
    private string? _key;

    /// <summary>Reads the upgrade request up to its empty line.</summary>
    public async Task<string> ReadRequestAsync()
    {
        var request = new StringBuilder();
        byte[] one = new byte[1];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed before the end of its request.");
            }

            request.Append((char)one[0]);
        }

        string text = request.ToString();
        Request = text;
        _key = text.Split("\r\n").First(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
        return text;
    }

    /// <summary>The upgrade request as it arrived, once <see cref="ReadRequestAsync"/> has read it.</summary>
    public string? Request { get; private set; }

    /// <summary>The Sec-WebSocket-Accept that answers the request's key.</summary>
    public string Accept => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(_key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>Answers 101, followed in the same write (the same packet) by <paramref name="then"/>.</summary>
    public async Task AcceptAsync(params byte[][] then)
    {
        await ReadRequestAsync();
        await RespondAsync(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {Accept}\r\n\r\n", then);
    }

    /// <summary>Writes <paramref name="head"/> as it is (any HTTP, well formed or not), followed in the same write by <paramref name="then"/>.</summary>
    public Task RespondAsync(string head, params byte[][] then) =>
        _stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(then.SelectMany(b => b)).ToArray()).AsTask();

    /// <summary>Answers the upgrade request with an HTTP error.</summary>
    public async Task RefuseAsync(int status, string reason, params (string Name, string Value)[] headers)
    {
        await ReadRequestAsync();
        string extra = string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\r\n"));
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"));
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> in pieces of the given sizes, each its own write with Nagle off, yielding
    /// between them, so that the client's reads see them cut as TCP may cut them.
    /// </summary>
    public async Task SendInPiecesAsync(byte[] bytes, IEnumerable<int> sizes)
    {
        client.NoDelay = true;
        int offset = 0;
        foreach (int size in sizes)
        {
            int take = Math.Min(size, bytes.Length - offset);
            if (take <= 0)
            {
                break;
            }

            await _stream.WriteAsync(bytes.AsMemory(offset, take));
            offset += take;
            await Task.Yield();
        }

        if (offset < bytes.Length)
        {
            await _stream.WriteAsync(bytes.AsMemory(offset));
        }
    }

    public Task SendAsync(params byte[][] frames) => _stream.WriteAsync(frames.SelectMany(b => b).ToArray()).AsTask();

    /// <summary>Reads one frame from the client, unmasked; null when the client closed the TCP connection.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync()
    {
        byte[] header = new byte[2];
        if (!await ReadExactlyOrEndAsync(header))
        {
            return null;
        }

        long length = header[1] & 0x7F;
        if (length == 126)
        {
            byte[] extended = new byte[2];
            await _stream.ReadExactlyAsync(extended);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            byte[] extended = new byte[8];
            await _stream.ReadExactlyAsync(extended);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        byte[] mask = new byte[4];
        if ((header[1] & 0x80) != 0)
        {
            await _stream.ReadExactlyAsync(mask);
        }

        byte[] payload = new byte[length];
        await _stream.ReadExactlyAsync(payload);
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i & 3];
        }

        return ((byte)(header[0] & 0x0F), payload);
    }

    /// <summary>Reads frames until a close frame; returns its code, or null if the TCP connection ended first.</summary>
    public async Task<int?> ReadUntilCloseAsync()
    {
        while (await ReadFrameAsync() is { } frame)
        {
            if (frame.Opcode == 0x8)
            {
                return frame.Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) : null;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads what the client sends until it closes TCP, answering each ping with a pong of its payload and a close with a
    /// close of our own and a FIN, as a healthy server does.
    /// </summary>
    public async Task AnswerLikeAHealthyServerAsync()
    {
        while (await ReadFrameAsync() is { } frame)
        {
            if (frame.Opcode == 0x9)
            {
                await SendAsync(Frame(0xA, frame.Payload));
            }
            else if (frame.Opcode == 0x8)
            {
                await SendAsync(Close(1000));
                ShutdownSend();
            }
        }
    }

    /// <summary>Closes our side of TCP (a FIN), as a server does after the close handshake, and goes on reading.</summary>
    public void ShutdownSend() => client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Ends the connection with a TCP reset instead of a FIN.</summary>
    public void Reset()
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Client.Close();
    }

    public void Dispose() => client.Dispose();

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>A server frame (unmasked).</summary>
    public static byte[] Frame(byte opcode, byte[] payload, bool fin = true)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add(126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(127);
            byte[] length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        frame.AddRange(payload);
        return [.. frame];
    }

    public static byte[] Text(string text) => Frame(0x1, Encoding.UTF8.GetBytes(text));

    public static byte[] Ping(string payload) => Frame(0x9, Encoding.UTF8.GetBytes(payload));

    /// <summary>A close frame with any code at all, valid or not.</summary>
    public static byte[] Close(int code, string reason = "")
    {
        byte[] payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return Frame(0x8, payload);
    }
}
