using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// What the generator cannot implement it leaves alone, so that the user's own compile error (or the analyzers'
/// diagnostic) is the only one, and never a confusing error in generated code.
/// </summary>
public class SkippedClassTests
{
    [Theory]
    [InlineData("A class that is not partial", "[WebSocketHandler] public class Bot { [OnText] void T(string s) { } }")]
    [InlineData("A generic class", "[WebSocketHandler] public partial class Bot<T> { [OnText] void T1(string s) { } }")]
    [InlineData("A static class", "[WebSocketHandler] public static partial class Bot { }")]
    [InlineData("A partial class nested in a generic type", "public partial class Outer<T> { [WebSocketHandler] public partial class Bot { [OnText] void T(string s) { } } }")]
    [InlineData("A partial class in a type that is not partial", "public class Outer { [WebSocketHandler] public partial class Bot { } }")]
    public void Generates_nothing_for(string what, string source)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run("using SlackKit.WebSockets;\n" + source);

        Assert.True(result.GeneratedSources.IsEmpty, what);
        Assert.Null(result.Exception);
    }

    [Theory]
    [InlineData("[OnText] static void Text(string s) { }")]
    [InlineData("[OnText] void Text<T>(string s) { }")]
    [InlineData("[OnText] void Text(ref string s) { }")]
    [InlineData("[OnText] void Text(int number) { }")]
    [InlineData("[OnText] int Text(string s) => 0;")]
    [InlineData("[OnBinary] void Binary(string s) { }")]
    [InlineData("[OnInit] System.Threading.Tasks.Task<InitResult> Init() => null!;")]
    [InlineData("[OnDisconnect] void Disconnected(DisconnectReason reason) { }")]
    [InlineData("[OnTerminate] void Terminated(TerminateReason reason, System.Threading.CancellationToken token) { }")]
    [InlineData("[OnInfo] void Info(int? number) { }")]
    [InlineData("[OnInfo] void Info(System.Span<byte> bytes) { }")]
    [InlineData("[OnClose] void Close(string reason, int code) { }")]
    public void A_method_it_cannot_call_is_left_out_and_the_rest_still_compiles(string method)
    {
        string source = $$"""
            using System;
            using SlackKit.WebSockets;
            [WebSocketHandler]
            public partial class Bot
            {
                {{method}}
                [OnConnect] void Connected() { }
            }
            """;

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);

        string generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("this.Connected()", generated);
        Assert.DoesNotContain("this.Text(", generated);
        Assert.DoesNotContain("this.Binary(", generated);
        Assert.DoesNotContain("this.Init(", generated);
        Assert.DoesNotContain("this.Disconnected(", generated);
        Assert.DoesNotContain("this.Terminated(", generated);
        Assert.DoesNotContain("this.Info(", generated);
        Assert.DoesNotContain("this.Close(", generated);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}
