using System.Net.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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

    [Fact]
    public async Task Issue11_5_a_client_failed_past_MaxRestarts_is_logged_as_an_error_stops_the_host_and_its_health_check_reads_Unhealthy()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartAsync(socket =>
            socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "go away", CancellationToken.None));
        using var logs = new CapturingLogger();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<FailingBot>(options =>
        {
            options.Url = server.Url;
            options.RestartDelay = TimeSpan.FromMilliseconds(20);
            options.MaxRestarts = 1;
        });
        builder.Services.AddHealthChecks().AddWebSocketClient<FailingBot>();
        using IHost host = builder.Build();
        IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        await stopping.Task.WaitAsync(Recorder.Timeout); // the host stops itself (StopHostWhenEnded, the default)
        HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(2, recorder.Events.Count(e => e == "terminate:Failed")); // the first start and one restart
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith("ended: failed:", health.Entries["websocket-FailingBot"].Description);
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("will not be started again", StringComparison.Ordinal));
        Assert.Contains("MaxRestarts is 1; the host is stopped (StopHostWhenEnded)", error.Message);
        Assert.IsType<InvalidOperationException>(error.Exception); // FailingBot's own
    }

    [Fact]
    public async Task Issue11_5_the_health_check_reads_Healthy_while_connected_and_another_service_reaches_the_client_through_the_container()
    {
        var recorder = new Recorder();
        await using KestrelServer server = await KestrelServer.StartEchoAsync();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<HostedBot>(options => options.Url = server.Url);
        builder.Services.AddSingleton<Announcer>();
        builder.Services.AddHealthChecks().AddWebSocketClient<HostedBot>(name: "bot");
        using IHost host = builder.Build();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReport before = await health.CheckHealthAsync();
        await host.StartAsync();
        await recorder.WaitForAsync("connect");
        HealthReport connected = await health.CheckHealthAsync();
        await host.Services.GetRequiredService<Announcer>().AnnounceAsync("deploy done");
        await recorder.WaitForAsync("text:deploy done");
        await host.StopAsync();

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal("not started", before.Entries["bot"].Description);
        Assert.Equal(HealthStatus.Healthy, connected.Status);
    }

    [Theory]
    [InlineData(20, false)] // each failure comes 20 s after the last restart: outside the 10 s window, so never the last
    [InlineData(5, true)]   // 5 s after: the restart before it is in the window, and MaxRestarts is 1
    public async Task Issue11_5_MaxRestarts_is_counted_within_RestartWindow_not_over_the_hosts_life(int secondsBetweenFailures, bool expectEnded)
    {
        var recorder = new Recorder();
        using var closeNow = new SemaphoreSlim(0);
        await using KestrelServer server = await KestrelServer.StartAsync(async socket =>
        {
            // Each connection holds until the test ends it, or the client closes it (the host's stop).
            Task<WebSocketReceiveResult> receive = socket.ReceiveAsync(new byte[16], CancellationToken.None);
            Task signal = closeNow.WaitAsync(Recorder.Timeout);
            await Task.WhenAny(receive, signal);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "go away", CancellationToken.None);
            await receive;
        });
        var clock = new TestClock();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(recorder);
        builder.Services.AddWebSocketClient<FailingBot>(options =>
        {
            options.Url = server.Url;
            options.RestartDelay = TimeSpan.FromSeconds(1);
            options.RestartWindow = TimeSpan.FromSeconds(10);
            options.MaxRestarts = 1;
            options.StopHostWhenEnded = false;
            options.Client.TimeProvider = clock;
        });
        using IHost host = builder.Build();
        var service = host.Services.GetRequiredService<WebSocketClientService<FailingBot>>();
        static int Connections(string[] events) => events.Count(e => e.StartsWith("connect:", StringComparison.Ordinal));

        await host.StartAsync();
        int rounds = expectEnded ? 2 : 3;
        for (int round = 1; round <= rounds; round++)
        {
            await recorder.WaitForAsync(e => Connections(e) == round, $"connection {round}");
            clock.Advance(TimeSpan.FromSeconds(secondsBetweenFailures));
            closeNow.Release(); // the server closes; the handler's [OnDisconnect] throws; the client fails
            int next = round + 1;
            Task after = expectEnded && round == rounds
                ? Recorder.WaitUntilAsync(() => service.Ended, "the client to end for good")
                : recorder.WaitForAsync(e => Connections(e) == next, $"connection {next}, after a restart");
            await clock.RunUntilAsync(after, horizon: TimeSpan.FromSeconds(1)); // the restart delay
            await after;
        }

        await host.StopAsync();

        Assert.Equal(expectEnded ? 1 : 3, service.Restarts);
        Assert.Equal(expectEnded, service.Ended);
    }

    /// <summary>Another service of the host that sends through the hosted client.</summary>
    public sealed class Announcer(WebSocketClientService<HostedBot> bot)
    {
        public ValueTask AnnounceAsync(string text) =>
            (bot.Client ?? throw new InvalidOperationException("The host has not started the bot.")).SendAsync(WebSocketFrame.Text(text));
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
