using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlackKit.WebSockets.Hosting;
using SlackKit.WebSockets.Tests.Infrastructure;

namespace SlackKit.WebSockets.Tests;

/// <summary>SlackKit.WebSockets.Hosting: the original's child_spec, with a real IHost.</summary>
public partial class HostingTests
{
    [Fact]
    public async Task The_client_starts_with_the_host_with_a_handler_from_DI_and_host_stop_runs_OnTerminate_once()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<HostedBot>(options => options.Url = server.Url);
        using IHost host = builder.Build();

        await host.StartAsync();
        await recorder.WaitForAsync("connect");
        WebSocketClient client = host.Services.GetRequiredService<WebSocketClientService<HostedBot>>().Client!;
        Assert.True(client.Cast(WebSocketFrame.Text("through the service")));
        await recorder.WaitForAsync("text:through the service");
        await host.StopAsync();

        Assert.Equal(TerminateKind.Stopped, (await client.Completion).Kind);
        Assert.Equal("terminate:Stopped", recorder.Events[^1]);
        Assert.Single(recorder.Events, e => e.StartsWith("terminate:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_bind_from_configuration_the_Microsoft_Extensions_Options_way()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bot:Url"] = server.Url.ToString(),
            ["Bot:RestartDelay"] = "00:00:02",
            ["Bot:MaxRestarts"] = "3",
            ["Bot:Client:MaxMessageSize"] = "2048",
            ["Bot:Client:KeepAlive"] = "00:00:20",
        }).Build();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<HostedBot>().Bind(configuration.GetSection("Bot"));
        using IHost host = builder.Build();

        WebSocketClientHostOptions options = host.Services.GetRequiredService<IOptionsMonitor<WebSocketClientHostOptions>>()
            .Get(WebSocketClientService<HostedBot>.OptionsName);
        await host.StartAsync();
        await recorder.WaitForAsync("connect");
        await host.StopAsync();

        Assert.Equal(server.Url, options.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RestartDelay);
        Assert.Equal(3, options.MaxRestarts);
        Assert.Equal(2048, options.Client.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Client.KeepAlive);
    }

    [Fact]
    public async Task Without_a_Url_the_host_does_not_start_and_says_why()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(new Recorder());
        builder.Services.AddWebSocketClient<HostedBot>();
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("needs a Url", error.Message);
    }

    [Fact]
    public async Task A_client_that_fails_is_restarted_with_a_new_handler_up_to_MaxRestarts()
    {
        var recorder = new Recorder();
        // Each connection is closed at once; the handler's OnDisconnect then throws, and the client fails.
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "go away", CancellationToken.None));
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<FailingBot>(options =>
        {
            options.Url = server.Url;
            options.RestartDelay = TimeSpan.FromMilliseconds(50);
            options.MaxRestarts = 2;
        });
        using IHost host = builder.Build();
        var service = host.Services.GetRequiredService<WebSocketClientService<FailingBot>>();

        await host.StartAsync();
        await recorder.WaitForAsync(e => e.Count(x => x.StartsWith("terminate:", StringComparison.Ordinal)) == 3, "three terminations");
        TerminateReason last = await service.Client!.Completion;
        await host.StopAsync();

        Assert.Equal(2, service.Restarts);
        Assert.Equal(3, server.Connections);
        Assert.Equal(TerminateKind.Failed, last.Kind);
        // A new handler from the container for each start.
        Assert.Equal(3, recorder.Events.Where(e => e.StartsWith("connect:", StringComparison.Ordinal)).Distinct().Count());
    }

    [Fact]
    public async Task A_client_that_OnDisconnect_closed_is_not_restarted()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<HostedBot>(options =>
        {
            options.Url = server.Url;
            options.RestartDelay = TimeSpan.FromMilliseconds(10);
        });
        using IHost host = builder.Build();
        var service = host.Services.GetRequiredService<WebSocketClientService<HostedBot>>();

        await host.StartAsync();
        TerminateReason reason = await service.Client!.Completion.WaitAsync(Recorder.Timeout);
        await host.StopAsync();

        Assert.Equal(TerminateKind.Closed, reason.Kind);
        Assert.Equal(0, service.Restarts);
        Assert.Equal(1, server.Connections);
    }

    [WebSocketHandler]
    public sealed partial class HostedBot(Recorder recorder)
    {
        [OnConnect] void Connected() => recorder.Add("connect");

        [OnText] void Text(string text) => recorder.Add("text:" + text);

        [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("bot done");

        [OnTerminate] void Terminated(TerminateReason reason) => recorder.Add("terminate:" + reason.Kind);
    }

    [WebSocketHandler]
    public sealed partial class FailingBot(Recorder recorder)
    {
        private readonly Guid _instance = Guid.NewGuid();

        [OnConnect] void Connected() => recorder.Add("connect:" + _instance);

        [OnDisconnect] DisconnectResult Lost() => throw new InvalidOperationException("cannot decide");

        [OnTerminate] void Terminated(TerminateReason reason) => recorder.Add("terminate:" + reason.Kind);
    }
}
