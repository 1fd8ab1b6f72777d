using SlackKit.WebSockets.CodeFixes;
using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;
using SlackKit.WebSockets.Generators.Tests.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.CodeFixes;

/// <summary>Every code fix: the diagnostic it fixes is gone afterwards, and the code reads as a person would write it.</summary>
public class CodeFixTests
{
    [Fact]
    public Task SKWS002_makes_the_class_partial() => Verifier.CodeFixAsync<HandlerClassAnalyzer, MakePartialCodeFixProvider>("""
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public sealed class {|SKWS002:Bot|}
        {
        }
        """, """
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public sealed partial class Bot
        {
        }
        """);

    [Fact]
    public Task SKWS002_makes_a_class_without_modifiers_and_its_container_partial() => Verifier.CodeFixAsync<HandlerClassAnalyzer, MakePartialCodeFixProvider>("""
        using SlackKit.WebSockets;

        class {|SKWS002:Outer|}
        {
            [WebSocketHandler]
            class {|SKWS002:Bot|}
            {
            }
        }
        """, """
        using SlackKit.WebSockets;

        partial class Outer
        {
            [WebSocketHandler]
            partial class Bot
            {
            }
        }
        """);

    [Fact]
    public Task SKWS001_adds_an_OnDisconnect_that_reconnects_as_the_client_does_today() => Verifier.CodeFixAsync<MissingOnDisconnectAnalyzer, AddOnDisconnectCodeFixProvider>("""
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class {|SKWS001:Bot|}
        {
            [OnText]
            private void Text(string text)
            {
            }
        }
        """, """
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class Bot
        {
            [OnText]
            private void Text(string text)
            {
            }

            [OnDisconnect]
            private DisconnectResult OnDisconnect(DisconnectReason reason) => DisconnectResult.Reconnect;
        }
        """);

    [Fact]
    public Task SKWS001_adds_an_OnDisconnect_that_terminates_when_OnInit_returns_Once() => Verifier.CodeFixAsync<MissingOnDisconnectAnalyzer, AddOnDisconnectCodeFixProvider>("""
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class {|SKWS001:Bot|}
        {
            [OnInit]
            private InitResult OnDisconnect() => InitResult.Once;
        }
        """, """
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class Bot
        {
            [OnInit]
            private InitResult OnDisconnect() => InitResult.Once;

            [OnDisconnect]
            private DisconnectResult OnDisconnect2(DisconnectReason reason) => DisconnectResult.Close(reason.Message);
        }
        """);

    [Fact]
    public Task SKWS006_turns_async_void_into_async_Task() => Verifier.CodeFixAsync<HandlerSignatureAnalyzer, AsyncVoidCodeFixProvider>("""
        using System.Threading.Tasks;
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class Bot
        {
            [OnText]
            private async void {|SKWS006:Text|}(string text) => await Task.Yield();
        }
        """, """
        using System.Threading.Tasks;
        using SlackKit.WebSockets;

        [WebSocketHandler]
        public partial class Bot
        {
            [OnText]
            private async Task Text(string text) => await Task.Yield();
        }
        """);

    [Fact]
    public Task SKWS005_adds_WebSocketHandler_and_partial_to_the_class() => Verifier.CodeFixAsync<CallbackOutsideHandlerAnalyzer, AddWebSocketHandlerCodeFixProvider>("""
        using SlackKit.WebSockets;

        namespace Bots
        {
            public class Forgotten
            {
                [OnText]
                private void {|SKWS005:Text|}(string text)
                {
                }
            }
        }
        """, """
        using SlackKit.WebSockets;

        namespace Bots
        {
            [WebSocketHandler]
            public partial class Forgotten
            {
                [OnText]
                private void Text(string text)
                {
                }
            }
        }
        """);
}
