using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Tests;

/// <summary>AddSlackSocketMode in a host: options bound from configuration, the health check, the host stopped by a fatal error.</summary>
public sealed class HostingTests
{
    private static IHost Build(FakeSlack slack, Action<IServiceCollection>? more = null, int connections = 2)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = FakeSlack.AppToken,
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack:Connections"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Slack:AckTimeout"] = "00:00:01.5",
        });
        builder.Services.AddSingleton(new Recorder());
        builder.Services.AddSlackSocketMode<DeployBot>().Bind(builder.Configuration.GetSection("Slack"));
        builder.Services.AddHealthChecks().AddSlackSocketMode();
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task The_app_runs_with_the_host_on_options_bound_from_configuration_and_reports_its_health()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        using IHost host = Build(slack);
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status); // not started

        await host.StartAsync();
        await slack.WaitForConnectionsAsync(2).WaitAsync(Recorder.Timeout); // Slack:Connections
        foreach (FakeSlackConnection connection in slack.Connections)
        {
            // An ack on each connection: each has had its hello (which came first on it) handled.
            FakeEnvelope mention = await slack.SendAppMentionAsync($"from the host {connection.Id}", on: connection);
            await mention.Acked.WaitAsync(Recorder.Timeout);
        }

        HealthReport up = await health.CheckHealthAsync();
        await host.Services.GetRequiredService<Recorder>().WaitForAsync($"posted:from the host {slack.Connections[0].Id}"); // its SlackApi came from the container
        await host.StopAsync();
        HealthReport down = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal("2 of 2 Socket Mode connection(s) ready.", up.Entries["slack-socket-mode"].Description);
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal(TimeSpan.FromSeconds(1.5), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlackSocketModeOptions>>().Value.AckTimeout);
    }

    [Fact]
    public async Task A_revoked_token_stops_the_host_and_the_client_says_why()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.Fail("apps.connections.open", "token_revoked");
        using IHost host = Build(slack, connections: 1);
        IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        await stopping.Task.WaitAsync(Recorder.Timeout);
        await host.StopAsync();

        SlackSocketModeClient client = host.Services.GetRequiredService<SlackSocketModeService>().Client!;
        SlackSocketModeException failure = await Assert.ThrowsAsync<SlackSocketModeException>(() => client.Completion);
        Assert.Equal("token_revoked", failure.Error);
        Assert.Equal(1, slack.ConnectionsOpenCalls);
    }

    [Fact]
    public async Task The_SlackApi_uses_the_hosts_IHttpClientFactory_when_there_is_one()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        var handler = new CountingHandler();
        using IHost host = Build(slack, services => services.AddHttpClient(SlackSocketModeServiceCollectionExtensions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => handler));

        await host.Services.GetRequiredService<SlackApi>().PostMessageAsync("C1", "through the factory");

        Assert.Equal(1, handler.Sent);
    }

    [Fact]
    public async Task Metrics_count_envelopes_acks_retries_duplicates_and_failures_under_their_documented_names()
    {
        var totals = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "SlackKit.SocketMode")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => totals.AddOrUpdate(instrument.Name + ".count", 1, (_, n) => n + 1));
        listener.Start();

        // Other tests run meanwhile and count too: this test checks the names and lower bounds only.
        var journal = new Recorder();
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions options = slack.CreateOptions();
        await using SlackSocketModeClient bot = SlackSocketModeClient.Start(new DeployBot(new SlackApi(options), journal), options);
        await bot.WaitUntilConnectedAsync().WaitAsync(Recorder.Timeout);
        FakeEnvelope boom = await slack.SendAppMentionAsync("boom");
        FakeEnvelope retry = await slack.RetryAsync(boom);
        await slack.WaitUntilAsync(() => boom.Acks.Count == 2).WaitAsync(Recorder.Timeout);
        await slack.SendAppMentionAsync("after"); // the same channel: its handler runs after boom's failure was counted
        await journal.WaitForAsync("posted:after");

        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.handler.failures") >= 1);

        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.envelopes") >= 2);
        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.acks") >= 2);
        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.ack.latency.count") >= 2);
        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.retries") >= 1);
        Assert.True(totals.GetValueOrDefault("slackkit.socketmode.duplicates") >= 1);
        Assert.True(totals.ContainsKey("slackkit.socketmode.connections")); // an up-down sum: other tests' connections end meanwhile
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _sent;

        public CountingHandler()
            : base(new SocketsHttpHandler())
        {
        }

        public int Sent => Volatile.Read(ref _sent);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("cache", "DistributedCacheClaimStore")]
    [InlineData("memory cache", null)]
    [InlineData("memory cache, told to", "DistributedCacheClaimStore")]
    [InlineData("store", "MemoryClaimStore")]
    [InlineData("cache, in-process", null)]
    public async Task Claims_go_to_a_registered_store_else_the_hosts_distributed_cache_else_the_process(string services, string? store)
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        var logs = new CapturingLogger();
        using IHost host = Build(slack, s =>
        {
            s.AddLogging(b => b.AddProvider(logs));
            if (services.StartsWith("memory cache", StringComparison.Ordinal))
            {
                s.AddDistributedMemoryCache(); // the host's own memory: no use to a fleet, so not taken unless told to
            }
            else if (services.Contains("cache", StringComparison.Ordinal))
            {
                s.AddSingleton<IDistributedCache>(new SharedCache());
            }

            if (services.Contains("told to", StringComparison.Ordinal))
            {
                s.AddSlackSocketMode<DeployBot>().UseDistributedCache();
            }

            if (services.Contains("store", StringComparison.Ordinal))
            {
                s.AddSingleton<ISlackClaimStore>(new SlackKit.SocketMode.Tests.Infrastructure.MemoryClaimStore());
            }

            if (services.Contains("in-process", StringComparison.Ordinal))
            {
                s.AddSlackSocketMode<DeployBot>().UseInProcessClaims();
            }
        }, connections: 1);

        await host.StartAsync();
        await slack.WaitForConnectionsAsync(1).WaitAsync(Recorder.Timeout);
        await host.StopAsync();

        string[] said = [.. logs.Entries.Where(e => e.Id.Id == 20).Select(e => e.Message)];
        if (store is null)
        {
            Assert.Empty(said);
        }
        else
        {
            Assert.StartsWith($"Claims go to {store} as instance ", Assert.Single(said));
            Assert.Equal(store == "DistributedCacheClaimStore", said[0].Contains("best effort: not atomic", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_host_whose_distributed_cache_is_Redis_is_told_to_call_UseRedis_for_atomic_claims()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        var logs = new CapturingLogger();
        using IHost host = Build(slack, s =>
        {
            s.AddLogging(b => b.AddProvider(logs));
            s.AddStackExchangeRedisCache(o => o.Configuration = "127.0.0.1:1,abortConnect=false"); // never reached: nothing is claimed here
        }, connections: 1);

        await host.StartAsync();
        await host.StopAsync();

        Assert.Contains(logs.Entries, e => e.Id.Id == 20 && e.Message.StartsWith("Claims go to DistributedCacheClaimStore", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Id.Id == 22 && e.Message.Contains("call UseRedis()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseRedis_without_a_configuration_or_the_hosts_RedisCache_fails_the_start_saying_what_to_configure()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        using IHost host = Build(slack, s => SlackKit.SocketMode.Redis.RedisSlackSocketModeBuilderExtensions.UseRedis(s.AddSlackSocketMode<DeployBot>()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("AddStackExchangeRedisCache", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A distributed cache other than the in-memory one (as Redis's, SQL Server's... would be).</summary>
    private sealed class SharedCache() : MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
}
