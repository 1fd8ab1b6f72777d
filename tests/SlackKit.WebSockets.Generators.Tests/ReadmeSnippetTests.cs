using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlackKit.WebSockets.Generators.Tests;

/// <summary>
/// Issue 11, point 1: the README's first snippet, taken from README.md as it is, compiled as a new console project
/// would compile it (implicit usings, the generator) and run against a Kestrel echo server on 127.0.0.1; only its URL
/// is swapped for the server's.
/// </summary>
[Collection(ConsoleOutput.Name)]
public class ReadmeSnippetTests
{
    private const string SnippetUrl = "wss://example.org/ws";

    [Fact]
    public async Task The_README_snippet_compiles_without_warnings_runs_and_its_first_frame_reaches_the_server()
    {
        var received = new ConcurrentQueue<string>();
        await using WebApplication server = await StartEchoServerAsync(received);
        string url = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";
        string snippet = ReadSnippet();
        Assert.Contains(SnippetUrl, snippet);

        Assembly program = Compile(snippet.Replace(SnippetUrl, url, StringComparison.Ordinal));
        var output = new StringWriter();
        TextWriter console = Console.Out;
        Console.SetOut(TextWriter.Synchronized(output));
        try
        {
            // The synthesized Main of top-level statements blocks until they are done: run it off the test's thread.
            await Task.Run(() => program.EntryPoint!.Invoke(null, [Array.Empty<string>()])).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.Contains("hello", received); // SendAsync right after Start: waited for the connection, not lost
        Assert.Contains("up", output.ToString().Split('\n').Select(l => l.Trim()));
    }

    /// <summary>The first C# block under "## A WebSocket handler" in the repository's README.md.</summary>
    private static string ReadSnippet()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## A WebSocket handler\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## A WebSocket handler' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SlackKit.Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SlackKit.Generated.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>As `dotnet new console` would: implicit usings, nullable on, the generator, warnings reported.</summary>
    private static Assembly Compile(string source)
    {
        const string ImplicitUsings = """
            global using global::System;
            global using global::System.Collections.Generic;
            global using global::System.IO;
            global using global::System.Linq;
            global using global::System.Net.Http;
            global using global::System.Threading;
            global using global::System.Threading.Tasks;
            """;
        CSharpCompilation compilation = CSharpCompilation.Create(
            "ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Program.cs"), CSharpSyntaxTree.ParseText(ImplicitUsings, GeneratorHarness.ParseOptions, path: "Usings.cs")],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(WebSocketFrame).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        Assert.Empty(GeneratorHarness.Problems(output));

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    private static async Task<WebApplication> StartEchoServerAsync(ConcurrentQueue<string> received)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[4096];
            try
            {
                while (true)
                {
                    WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }

                    received.Enqueue(Encoding.UTF8.GetString(buffer, 0, result.Count));
                    await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                // The snippet's client went away.
            }
        });
        await app.StartAsync();
        return app;
    }
}

/// <summary>Tests that redirect <see cref="Console.Out"/> run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleOutput
{
    public const string Name = "Console output";
}
