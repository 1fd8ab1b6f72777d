using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS001: the message says what the client will do instead, as contract row 1 decides.</summary>
public class MissingOnDisconnectAnalyzerTests
{
    [Fact]
    public Task Without_OnInit_the_client_reconnects() => Verifier.AnalyzerAsync<MissingOnDisconnectAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class {|#0:Bot|}
        {
            [OnText] void Text(string text) { }
        }
        """,
        Verifier.Diagnostic("SKWS001").WithLocation(0).WithMessage(
            "'Bot' has no [OnDisconnect]: after a disconnect the client will reconnect, with backoff (InitResult.Reconnect). Add an [OnDisconnect] method to decide what it does."));

    [Theory]
    [InlineData("InitResult.Ok", "terminate (InitResult.Ok)")]
    [InlineData("InitResult.Once", "terminate (InitResult.Once)")]
    [InlineData("InitResult.Reconnect", "reconnect, with backoff (InitResult.Reconnect)")]
    public Task The_message_follows_what_OnInit_returns(string returned, string outcome) => Verifier.AnalyzerAsync<MissingOnDisconnectAnalyzer>($$"""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class {|#0:Bot|}
        {
            [OnInit] InitResult Init() => {{returned}};
        }
        """,
        Verifier.Diagnostic("SKWS001").WithLocation(0).WithArguments("Bot", outcome));

    [Fact]
    public Task When_OnInit_returns_different_results_the_message_says_so() => Verifier.AnalyzerAsync<MissingOnDisconnectAnalyzer>("""
        using System;
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class {|#0:Bot|}
        {
            [OnInit]
            InitResult Init()
            {
                if (Environment.ProcessorCount > 1)
                {
                    return InitResult.Ok;
                }

                Func<InitResult> unrelated = () => InitResult.Once;
                return InitResult.Reconnect;
            }
        }
        """,
        Verifier.Diagnostic("SKWS001").WithLocation(0).WithArguments("Bot",
            "do what the InitResult that [OnInit] returns decides (reconnect for Reconnect, terminate for Ok and Once)"));

    [Fact]
    public Task Reports_nothing_when_there_is_an_OnDisconnect_or_no_handler() => Verifier.AnalyzerAsync<MissingOnDisconnectAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class Bot
        {
            [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Reconnect;
        }

        public class NotAHandler
        {
        }
        """);

    [Fact]
    public Task Says_nothing_of_a_class_the_generator_never_implements_even_nested_in_a_generic_type() => Verifier.AnalyzerAsync<MissingOnDisconnectAnalyzer>("""
        using SlackKit.WebSockets;
        public partial class Outer<T>
        {
            [WebSocketHandler]
            public partial class Bot { [OnText] void Text(string text) { } }
        }

        [WebSocketHandler]
        public static partial class Tool { }
        """);
}
