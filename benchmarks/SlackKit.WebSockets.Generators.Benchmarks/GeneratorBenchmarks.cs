using System.Collections.Immutable;
using System.Text;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.WebSockets;
using SlackKit.WebSockets.Generators;
using SlackKit.WebSockets.Generators.Diagnostics.Analyzers;

namespace SlackKit.WebSockets.Generators.Benchmarks;

/// <summary>
/// What the generator and the analyzers add: a project of 1,000 handler classes, from a fresh compilation each time.
/// Two pairs, each with its own baseline, so the ratio column reads directly: the generator against the
/// compilation's own bind-and-emit, the analyzers against the compiler's own diagnostics (the same full binding, as
/// an IDE or a build with analyzers does it).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class GeneratorBenchmarks
{
    private const int Classes = 1000;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private ImmutableArray<SyntaxTree> _handlers;
    private ImmutableArray<SyntaxTree> _generated;
    private ImmutableArray<MetadataReference> _references;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    [GlobalSetup]
    public void Setup()
    {
        _references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(WebSocketFrame).Assembly.Location)];
        _handlers = [.. Enumerable.Range(0, Classes).Select(i => CSharpSyntaxTree.ParseText(Handler(i), ParseOptions, path: $"Bot{i}.cs"))];
        GeneratorDriver driver = NewDriver().RunGenerators(Create(_handlers));
        _generated = [.. driver.GetRunResult().GeneratedTrees];
        if (_generated.Length != Classes)
        {
            throw new InvalidOperationException($"Expected {Classes} generated files, got {_generated.Length}.");
        }

        _analyzers =
        [
            new MissingOnDisconnectAnalyzer(), new HandlerClassAnalyzer(), new HandlerSignatureAnalyzer(),
            new DuplicateCallbackAnalyzer(), new CallbackOutsideHandlerAnalyzer(), new BlockingCallAnalyzer(),
        ];
    }

    /// <summary>The compilation's own work: bind and emit the handlers and the code generated for them.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Generator")]
    public long Compile() => Emit(Create([.. _handlers, .. _generated]));

    /// <summary>The same, with the generator producing that code in the build.</summary>
    [Benchmark, BenchmarkCategory("Generator")]
    public long CompileWithGenerator()
    {
        NewDriver().RunGeneratorsAndUpdateCompilation(Create(_handlers), out Compilation output, out _);
        return Emit(output);
    }

    /// <summary>The compiler's diagnostics: binds every declaration and method body, as the IDE does.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Analyzers")]
    public int Diagnose() => Create([.. _handlers, .. _generated]).GetDiagnostics().Length;

    /// <summary>The same, plus every analyzer of the package over the same compilation.</summary>
    [Benchmark, BenchmarkCategory("Analyzers")]
    public int DiagnoseWithAnalyzers() =>
        Create([.. _handlers, .. _generated]).WithAnalyzers(_analyzers).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new WebSocketHandlerGenerator().AsSourceGenerator()], parseOptions: ParseOptions);

    private CSharpCompilation Create(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("Bots", trees, _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static long Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        }

        return stream.Length;
    }

    /// <summary>A handler of a realistic size; the shapes vary with <paramref name="i"/> so every emitter path is taken.</summary>
    private static string Handler(int i)
    {
        var source = new StringBuilder();
        source.AppendLine("using System; using System.Threading; using System.Threading.Tasks; using SlackKit.WebSockets;");
        source.AppendLine($"namespace Bots.Group{i % 10};");
        source.AppendLine("[WebSocketHandler]");
        source.AppendLine($"public sealed partial class Bot{i}");
        source.AppendLine("{");
        source.AppendLine("    private int _count;");
        source.AppendLine("    [OnInit] InitResult Init() => InitResult.Reconnect;");
        source.AppendLine("    [OnConnect] void Connected() => _count = 0;");
        source.AppendLine(i % 2 == 0
            ? "    [OnText] WebSocketFrame? Text(string text) { _count++; return text.Length > 3 ? WebSocketFrame.Text(text) : null; }"
            : "    [OnText] async ValueTask<HandlerResult> Text(ReadOnlyMemory<byte> utf8, CancellationToken token) { await Task.Yield(); _count++; return HandlerResult.Ok; }");
        source.AppendLine("    [OnBinary] Task Binary(ReadOnlyMemory<byte> data) { _count += data.Length; return Task.CompletedTask; }");
        source.AppendLine("    [OnClose] void Closed(int code, string reason) => _count = -code;");
        source.AppendLine("    [OnInfo] HandlerResult Info(string note) => note == \"stop\" ? HandlerResult.Close() : HandlerResult.Ok;");
        source.AppendLine("    [OnInfo] void Info(Exception error) => _count = -1;");
        source.AppendLine("    [OnDisconnect] DisconnectResult Lost(DisconnectReason reason) => reason.Kind == DisconnectKind.HandshakeRefused ? DisconnectResult.Close(reason.Message) : DisconnectResult.Reconnect;");
        source.AppendLine("    [OnTerminate] void Terminated(TerminateReason reason) => _count = 0;");
        source.AppendLine("}");
        return source.ToString();
    }
}
