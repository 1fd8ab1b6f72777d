using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SlackKit.GeneratorTesting;
using Microsoft.CodeAnalysis.Testing;

namespace SlackKit.SocketMode.Generators.Tests;

/// <summary>Compiles sources as a bot's project would (net10.0 references plus SlackKit.SocketMode) and runs the generator.</summary>
internal static class Harness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly MetadataReference SocketMode = MetadataReference.CreateFromFile(typeof(SlackResponse).Assembly.Location);

    private static readonly ImmutableArray<MetadataReference> References = [.. Net100.References.All, SocketMode];

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "BotTests",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Bot{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new SlackAppGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(sources), out Compilation output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>
    /// Runs this generator and System.Text.Json's (from the SDK's reference pack, as a build does), for sources that
    /// declare a JsonSerializerContext of their own; the compilation with both outputs.
    /// </summary>
    public static Compilation RunWithJsonGenerator(params string[] sources)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new SlackAppGenerator().AsSourceGenerator(), .. JsonGenerators.Value],
            parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(Compile(sources), out Compilation output, out _);
        return output;
    }

    private static readonly Lazy<ISourceGenerator[]> JsonGenerators = new(() =>
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/ -> <dotnet>/packs/Microsoft.NETCore.App.Ref/<newest>/analyzers/dotnet/cs/
        string dotnet = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        string path = Directory.GetDirectories(Path.Combine(dotnet, "packs", "Microsoft.NETCore.App.Ref"))
            .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) ? v : new Version())
            .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .First(File.Exists);
        return [.. System.Reflection.Assembly.LoadFrom(path).GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t))
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t)!).AsSourceGenerator())];
    });

    public static string[] Problems(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => $"{d.Id} {d.Location.GetLineSpan()}: {d.GetMessage()}")];

    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        AnalyzerTestKit.AnalyzerAsync<TAnalyzer>(source, [SocketMode], expected);

    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new() =>
        AnalyzerTestKit.CodeFixAsync<TAnalyzer, TCodeFix>(source, fixedSource, [SocketMode]);
}
