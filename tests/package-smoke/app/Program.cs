using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlackKit.WebSockets;

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
await using WebApplication app = builder.Build();
app.UseWebSockets();
app.Map("/ws", async context =>
{
    using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
    byte[] buffer = new byte[1024];
    while (true)
    {
        ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            return;
        }

        await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, true, CancellationToken.None);
    }
});
await app.StartAsync();
string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("http://", "ws://") + "/ws";

var bot = new SmokeBot();
await using WebSocketClient client = WebSocketClient.Start(url, bot);
await bot.Connected.WaitAsync(TimeSpan.FromSeconds(15));
client.Cast(WebSocketFrame.Text("smoke"));
string echoed = await bot.Echoed.WaitAsync(TimeSpan.FromSeconds(15));
Console.WriteLine($"handler called: {echoed}");
await client.StopAsync();
return echoed == "smoke" ? 0 : 1;

// No [OnDisconnect] on purpose: the build must show SKWS001.
[WebSocketHandler]
public partial class SmokeBot
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _echoed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Connected => _connected.Task;

    public Task<string> Echoed => _echoed.Task;

    [OnConnect] void OnConnect() => _connected.TrySetResult();

    [OnText] void OnText(string text) => _echoed.TrySetResult(text);
}
