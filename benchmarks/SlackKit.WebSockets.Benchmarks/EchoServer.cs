using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>
/// The echo server every contender talks to: Kestrel in a child process of this program (so its work is not counted
/// in the contenders' allocations), on 127.0.0.1. It sends each message back as it came, and holds idle connections.
/// </summary>
internal static class EchoServer
{
    /// <summary>Runs the server in this process until stdin closes (the child side).</summary>
    public static async Task<int> RunAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentUpgradedConnections = null);
        await using WebApplication app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/echo", async (HttpContext context) =>
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[64 * 1024];
            while (true)
            {
                ValueWebSocketReceiveResult result;
                int length = 0;
                do
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2); // a message larger than the buffer (the 1 MiB workload)
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, length), result.MessageType, true, CancellationToken.None);
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine("URL " + address.Replace("http://", "ws://", StringComparison.Ordinal) + "/echo");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>
    /// Starts the child process running Kestrel, or with <paramref name="fast"/> the <see cref="FastEchoServer"/>;
    /// closing its standard input ends it.
    /// </summary>
    public static Task<(Process Process, Uri Url)> StartChildAsync(bool fast = false) =>
        SlackKit.Benchmarks.ChildServer.StartAsync(fast ? "--fast-server" : "--server", "echo server");
}
