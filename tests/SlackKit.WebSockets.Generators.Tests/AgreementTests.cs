using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// The generator and the analyzers agree: for every case, either an analyzer reports the problem, or the code with
/// the generated source compiles. And the generated source itself never holds an error, whatever the input.
/// </summary>
public class AgreementTests
{
    /// <summary>Each case ends by using the class as an IWebSocketHandler, as a program would.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "not partial", "[WebSocketHandler] public class Bot { [OnText] void T(string s) { } }" },
        { "container not partial", "public class Outer { [WebSocketHandler] public partial class Bot { } } static class Use { static IWebSocketHandler H(Outer.Bot b) => b; }" },
        { "static class", "[WebSocketHandler] public static partial class Bot { }" },
        { "generic class", "[WebSocketHandler] public partial class Bot<T> { } static class Use2 { static IWebSocketHandler H(Bot<int> b) => b; }" },
        { "nested in a generic type", "public partial class Outer<T> { [WebSocketHandler] public partial class Bot { [OnText] void T(string s) { } } } static class Use3 { static IWebSocketHandler H(Outer<int>.Bot b) => b; }" },
        { "static handler", "[WebSocketHandler] public partial class Bot { [OnText] static void T(string s) { } }" },
        { "ref parameter", "[WebSocketHandler] public partial class Bot { [OnText] void T(ref string s) { } }" },
        { "wrong parameter", "[WebSocketHandler] public partial class Bot { [OnBinary] void B(string s) { } }" },
        { "wrong return", "[WebSocketHandler] public partial class Bot { [OnText] int T(string s) => 0; }" },
        { "generic method", "[WebSocketHandler] public partial class Bot { [OnInfo] void I<T>(T message) { } }" },
        { "two text handlers", "[WebSocketHandler] public partial class Bot { [OnText] void A(string s) { } [OnText] void B(string s) { } }" },
        { "two info handlers for one type", "[WebSocketHandler] public partial class Bot { [OnInfo] void A(string s) { } [OnInfo] void B(string s) { } }" },
        { "callback outside a handler", "public class Bot { [OnText] void T(string s) { } }" },
        { "async void", "[WebSocketHandler] public partial class Bot { [OnText] async void T(string s) => await System.Threading.Tasks.Task.Yield(); }" },
        { "blocking call", "[WebSocketHandler] public partial class Bot { [OnText] void T(string s) => System.Threading.Thread.Sleep(1); }" },
        { "a method named like an interface member", "[WebSocketHandler] public partial class Bot { [OnInit] InitResult OnInit() => InitResult.Ok; [OnConnect] void OnConnectAsync() { } }" },
        { "handler members named like the generated parameters", "[WebSocketHandler] public partial class Bot { int frame = 1; string message = \"\"; [OnText] void T(string reason) { _ = frame + message; } }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Either_an_analyzer_reports_or_the_generated_output_compiles(string what, string source)
    {
        string program = "using SlackKit.WebSockets;\n" + source + "\nstatic class Program { static IWebSocketHandler? Use(object o) => o as IWebSocketHandler; }";

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(program);
        Diagnostic[] errors = [.. output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
        Diagnostic[] reported = [.. (await AnalyzerHarness.AnalyzeAsync(output)).Where(d => d.Id != "SKWS001")];

        Assert.True(errors.Length == 0 || reported.Length > 0,
            $"{what}: the output does not compile and no analyzer said why:\n{string.Join("\n", errors.Select(e => e.ToString()))}");
        Assert.DoesNotContain(errors, e => result.GeneratedSources.Any(s => s.SyntaxTree == e.Location.SourceTree));
    }

    [Theory]
    [MemberData(nameof(HandlerCases.Names), MemberType = typeof(HandlerCases))]
    public async Task No_analyzer_reports_an_accepted_handler_but_SKWS001_where_OnDisconnect_is_missing(string name)
    {
        (_, Compilation output) = GeneratorHarness.Run(HandlerCases.All[name]);
        string[] classesWithoutOnDisconnect = [.. output.SyntaxTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>())
            .Where(c => c.AttributeLists.ToString().Contains("WebSocketHandler") && !c.ToString().Contains("[OnDisconnect]"))
            .Select(c => c.Identifier.Text)];

        Diagnostic[] reported = [.. await AnalyzerHarness.AnalyzeAsync(output)];

        Assert.All(reported, d => Assert.Equal("SKWS001", d.Id));
        Assert.Equal(classesWithoutOnDisconnect.Order(), reported.Select(d => d.GetMessage().Split('\'')[1]).Order());
    }
}
