using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Tests.Analyzers;

/// <summary>SKWS002 (not partial) and SKWS008 (a class the generator cannot implement).</summary>
public class HandlerClassAnalyzerTests
{
    [Fact]
    public Task SKWS002_reports_a_handler_class_that_is_not_partial() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public sealed class {|SKWS002:Bot|}
        {
        }
        """);

    [Fact]
    public Task SKWS002_reports_a_containing_type_that_is_not_partial() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        public class {|SKWS002:Outer|}
        {
            [WebSocketHandler]
            public partial class Bot
            {
            }
        }
        """);

    [Fact]
    public Task SKWS002_says_what_to_do() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public class {|#0:Bot|}
        {
        }
        """,
        Verifier.Diagnostic("SKWS002").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0)
            .WithMessage("'Bot' must be partial so that the generator can implement IWebSocketHandler for 'Bot'; add the partial modifier"));

    [Fact]
    public Task SKWS008_reports_a_generic_handler_class() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public partial class {|SKWS008:Bot|}<T>
        {
        }
        """);

    [Fact]
    public Task SKWS008_reports_a_handler_nested_in_a_generic_type() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        public partial class Outer<T>
        {
            [WebSocketHandler]
            public partial class {|SKWS008:Bot|}
            {
            }
        }
        """);

    [Fact]
    public Task SKWS008_reports_a_static_handler_class() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        [WebSocketHandler]
        public static partial class {|SKWS008:Bot|}
        {
        }
        """);

    [Fact]
    public Task Reports_nothing_for_partial_handlers_nested_in_partial_types_or_classes_without_the_attribute() => Verifier.AnalyzerAsync<HandlerClassAnalyzer>("""
        using SlackKit.WebSockets;
        public partial class Outer
        {
            [WebSocketHandler]
            private sealed partial class Bot(string name)
            {
            }
        }

        public class NotAHandler
        {
        }
        """);
}
