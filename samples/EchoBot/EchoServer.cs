using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EchoBotSample;

/// <summary>
/// A Kestrel WebSocket server on 127.0.0.1 that sends every message back as it came, and can restart on the same
/// port (to show a bot crossing a disconnect).
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private WebApplication? _app;

    private EchoServer()
    {
    }

    /// <summary>The server's WebSocket URL.</summary>
    public string Url { get; private set; } = string.Empty;

    public static async Task<EchoServer> StartAsync()
    {
        var server = new EchoServer();
        await server.ListenAsync(port: 0);
        return server;
    }

    /// <summary>
    /// Restarts as a server being redeployed does: every connection is closed with 1012 (service restart), the
    /// server stops, and comes back on the same port after <paramref name="downtime"/>. Meanwhile connects are refused.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        foreach (WebSocket socket in _sockets.Keys)
        {
            try
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)1012, "restarting", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // Already gone.
            }
        }

        await StopAsync();
        await Task.Delay(downtime);
        await ListenAsync(new Uri(Url).Port);
    }

    private async Task ListenAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        app.UseWebSockets();
        app.Map("/echo", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            _sockets.TryAdd(socket, 0);
            try
            {
                await EchoAsync(socket, context.RequestAborted);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away, or the server is restarting.
            }
            finally
            {
                _sockets.TryRemove(socket, out _);
            }
        });
        await app.StartAsync();
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.Replace("http://", "ws://", StringComparison.Ordinal) + "/echo";
    }

    private async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            ValueWebSocketReceiveResult result;
            int length = 0;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription, cancellationToken);
                }

                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, length), result.MessageType, endOfMessage: true, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
