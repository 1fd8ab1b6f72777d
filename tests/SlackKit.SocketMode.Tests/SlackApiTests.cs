using SlackKit.SocketMode.Testing;

namespace SlackKit.SocketMode.Tests;

/// <summary>The Web API client against the fake Slack: answers, Slack's errors, rate limits, tokens kept out of messages.</summary>
public sealed class SlackApiTests
{
    [Fact]
    public async Task A_post_rate_limited_once_waits_Retry_After_then_goes_through()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.RateLimit("chat.postMessage", 1, TimeSpan.FromSeconds(1));
        var api = new SlackApi(slack.CreateOptions());

        string ts = await api.PostMessageAsync("C1", "hello", threadTs: "1.2").WaitAsync(Recorder.Timeout);

        Assert.NotEmpty(ts);
        FakeApiCall call = Assert.Single(slack.Calls);
        Assert.Equal(("chat.postMessage", "C1", "hello", "1.2"), (call.Method, call.Channel, call.Text, call.ThreadTs));
    }

    [Fact]
    public async Task Rate_limits_past_MaxRateLimitRetries_throw_naming_the_method()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.RateLimit("chat.update", 1, TimeSpan.FromSeconds(30));
        SlackSocketModeOptions options = slack.CreateOptions();
        options.MaxRateLimitRetries = 0;
        var api = new SlackApi(options);

        SlackApiException failure = await Assert.ThrowsAsync<SlackApiException>(() => api.UpdateMessageAsync("C1", "1.2", "edited"));

        Assert.Equal(("chat.update", "ratelimited"), (failure.Method, failure.Error));
        Assert.Empty(slack.Calls);
    }

    [Fact]
    public async Task Slacks_error_code_is_thrown_naming_the_method_and_never_the_token()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        slack.Fail("chat.postMessage", "channel_not_found");
        var api = new SlackApi(slack.CreateOptions());

        SlackApiException failure = await Assert.ThrowsAsync<SlackApiException>(() => api.PostMessageAsync("C404", "hello"));

        Assert.Equal("Slack's chat.postMessage failed: channel_not_found", failure.Message);
        Assert.DoesNotContain(FakeSlack.BotToken, failure.ToString());
    }

    [Fact]
    public async Task A_wrong_bot_token_is_Slacks_invalid_auth_and_a_missing_one_says_which_option_to_set()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        SlackSocketModeOptions wrong = slack.CreateOptions();
        wrong.BotToken = "xoxb-not-this-one";
        SlackSocketModeOptions none = slack.CreateOptions();
        none.BotToken = null;

        SlackApiException refused = await Assert.ThrowsAsync<SlackApiException>(() => new SlackApi(wrong).PostMessageAsync("C1", "x"));
        InvalidOperationException missing = await Assert.ThrowsAsync<InvalidOperationException>(() => new SlackApi(none).PostMessageAsync("C1", "x"));

        Assert.Equal("invalid_auth", refused.Error);
        Assert.DoesNotContain("xoxb-not-this-one", refused.ToString());
        Assert.Contains("SlackSocketModeOptions.BotToken", missing.Message);
    }

    [Fact]
    public async Task A_response_and_a_view_reach_their_endpoints()
    {
        await using FakeSlack slack = await FakeSlack.StartAsync();
        var api = new SlackApi(slack.CreateOptions());

        await api.RespondAsync(new Uri(slack.ApiBaseUrl, "../response/env-x").ToString(), SlackResponse.InChannel("done"));
        await api.OpenViewAsync("trigger-1", """{"type":"modal","title":{"type":"plain_text","text":"Deploy"}}""");

        Assert.Equal("done", Assert.Single(slack.Responses).Text);
        FakeApiCall view = Assert.Single(slack.Calls);
        Assert.Equal("views.open", view.Method);
        Assert.Contains("\"trigger_id\":\"trigger-1\"", view.Json);
        Assert.Contains("\"type\":\"modal\"", view.Json);
    }

    [Fact]
    public void Options_name_what_is_wrong()
    {
        Assert.Contains("AppToken", Assert.Throws<ArgumentException>(() => new SlackSocketModeOptions().Validate()).Message);
        Assert.Contains("app-level token", Assert.Throws<ArgumentException>(() => new SlackSocketModeOptions { AppToken = "xoxb-1" }.Validate()).Message);
        Assert.Equal("Connections", Assert.Throws<ArgumentOutOfRangeException>(() => new SlackSocketModeOptions { AppToken = "xapp-1", Connections = 11 }.Validate()).ParamName);
        Assert.Equal("AckTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new SlackSocketModeOptions { AppToken = "xapp-1", AckTimeout = TimeSpan.FromSeconds(3) }.Validate()).ParamName);
    }
}
