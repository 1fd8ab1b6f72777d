using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlackKit.WebSockets.Tests.Infrastructure;

/// <summary>
/// A real WebSocket server: Kestrel in process on 127.0.0.1, port 0. Each accepted socket is given to the test's
/// own script, which plays the peer and records what it saw.
/// </summary>
internal sealed class KestrelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private KestrelServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The WebSocket URL, ws://127.0.0.1:port/ws.</summary>
    public Uri Url { get; }

    /// <summary>How many WebSocket connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static async Task<KestrelServer> StartAsync(Func<WebSocket, Task> script)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        KestrelServer? server = null;
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            Interlocked.Increment(ref server!._connections);
            try
            {
                await script(socket);
            }
            catch (Exception) when (socket.State is WebSocketState.Aborted or WebSocketState.Closed)
            {
                // The client went away; the test asserts what it needs from what the script recorded.
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new KestrelServer(app, new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"));
        return server;
    }

    /// <summary>A server that sends every message back, and answers a close.</summary>
    public static Task<KestrelServer> StartEchoAsync(Action<Message>? received = null) => StartAsync(async socket =>
    {
        while (true)
        {
            Message message = await socket.ReceiveMessageAsync();
            if (message.Type == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatusDescription, CancellationToken.None);
                return;
            }

            received?.Invoke(message);
            await socket.SendAsync(message.Data, message.Type, endOfMessage: true, CancellationToken.None);
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A whole message as the server's script saw it.</summary>
internal readonly record struct Message(WebSocketMessageType Type, byte[] Data)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Data);
}

internal static class WebSocketExtensions
{
    /// <summary>Reads one whole message (or the close) on the server side.</summary>
    public static async Task<Message> ReceiveMessageAsync(this WebSocket socket)
    {
        var data = new MemoryStream();
        byte[] buffer = new byte[8192];
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Message(WebSocketMessageType.Close, []);
            }

            data.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return new Message(result.MessageType, data.ToArray());
            }
        }
    }
}
